package dev.mailwright.server.imap;

import java.util.Optional;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.util.Size;

/**
 * How much a client may send as IMAP literals (CVE-2024-37358: James 3.8.1 writes any announced literal to a
 * temporary file, and an unauthenticated client could fill the disk and exhaust the heap).
 *
 * <p>Before authentication only LOGIN's user name and password (and ID's values) are sent as literals: a few small
 * ones per command. After authentication APPEND carries a message: the limit per command follows the largest
 * message accepted ({@code literalSizeLimit}, which James also advertises as APPENDLIMIT).
 *
 * @param sizeBeforeAuth   largest literal before authentication
 * @param countBeforeAuth  literals per command before authentication
 * @param bytesPerCommand  all literals of one command together, once authenticated
 * @param countPerCommand  literals per command, once authenticated
 */
record LiteralLimits(long sizeBeforeAuth, int countBeforeAuth, long bytesPerCommand, int countPerCommand) {
    static final long DEFAULT_SIZE_BEFORE_AUTH = 8 * 1024;
    static final int DEFAULT_COUNT_BEFORE_AUTH = 4;
    static final long DEFAULT_BYTES_PER_COMMAND = 50L * 1024 * 1024;
    static final int DEFAULT_COUNT_PER_COMMAND = 1000;

    /** The limits of an {@code <imapserver>} element; the per-command size defaults to James's {@code literalSizeLimit}. */
    static LiteralLimits from(HierarchicalConfiguration<ImmutableNode> configuration) {
        long appendLimit = size(configuration, "literalSizeLimit").filter(size -> size > 0).orElse(DEFAULT_BYTES_PER_COMMAND);
        return new LiteralLimits(
            size(configuration, "literalSizeLimitBeforeAuth").orElse(DEFAULT_SIZE_BEFORE_AUTH),
            configuration.getInt("literalsPerCommandBeforeAuth", DEFAULT_COUNT_BEFORE_AUTH),
            size(configuration, "literalBytesPerCommand").orElse(appendLimit),
            configuration.getInt("literalsPerCommand", DEFAULT_COUNT_PER_COMMAND));
    }

    private static Optional<Long> size(HierarchicalConfiguration<ImmutableNode> configuration, String key) {
        return Optional.ofNullable(configuration.getString(key, null)).map(Size::parse).map(Size::asBytes);
    }

    /** Why a literal of {@code size} bytes, the {@code count}-th of a command totalling {@code total}, is refused; empty if allowed. */
    Optional<String> refusal(boolean authenticated, long size, int count, long total) {
        if (!authenticated) {
            if (size > sizeBeforeAuth) {
                return Optional.of("literal of " + size + " bytes before authentication (limit " + sizeBeforeAuth + ")");
            }
            if (count > countBeforeAuth) {
                return Optional.of("more than " + countBeforeAuth + " literals in one command before authentication");
            }
            return Optional.empty();
        }
        if (total > bytesPerCommand) {
            return Optional.of("literals of " + total + " bytes in one command (limit " + bytesPerCommand + ")");
        }
        if (count > countPerCommand) {
            return Optional.of("more than " + countPerCommand + " literals in one command");
        }
        return Optional.empty();
    }
}
