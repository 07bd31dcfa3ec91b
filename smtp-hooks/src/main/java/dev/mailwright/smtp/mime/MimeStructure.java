package dev.mailwright.smtp.mime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Measures a message's MIME structure in one streaming pass and says whether it stays within limits: how deep
 * multiparts and attached messages nest, and how many body parts there are.
 *
 * <p>Deeply nested messages are not mail anyone writes; they are attacks on recursive parsers (James 3.8.1's mailbox
 * overflowed its stack on 3,000 levels and hung the spool). The scan itself is iterative (mime4j's token stream) and
 * stops at the first level beyond the limit, so it never goes deeper than the limit either.
 */
public final class MimeStructure {
    private static final MimeConfig PERMISSIVE = MimeConfig.custom()
        .setMaxLineLen(-1)
        .setMaxHeaderLen(-1)
        .setMaxHeaderCount(-1)
        .setMaxContentLen(-1)
        .build();

    private final int maxDepth;
    private final int maxParts;

    public MimeStructure(int maxDepth, int maxParts) {
        this.maxDepth = maxDepth;
        this.maxParts = maxParts;
    }

    /** Why the message read from {@code message} is refused, or empty when its structure is within the limits. */
    public Optional<String> violation(InputStream message) throws IOException {
        MimeTokenStream tokens = new MimeTokenStream(PERMISSIVE);
        tokens.setRecursionMode(RecursionMode.M_RECURSE);
        tokens.parse(message);
        int depth = 0;
        int parts = 0;
        try {
            for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM; state = tokens.next()) {
                switch (state) {
                    case T_START_MULTIPART -> depth++;
                    case T_END_MULTIPART -> depth--;
                    case T_START_BODYPART -> parts++;
                    default -> {
                    }
                }
                if (depth > maxDepth) {
                    tokens.stop();
                    return Optional.of("MIME nesting deeper than " + maxDepth + " levels");
                }
                if (parts > maxParts) {
                    tokens.stop();
                    return Optional.of("more than " + maxParts + " MIME parts");
                }
            }
        } catch (MimeException e) {
            // a permissive parse does not fail on malformed MIME: this is a stream problem, not a verdict
            throw new IOException("cannot read the message: " + e.getMessage(), e);
        }
        return Optional.empty();
    }
}
