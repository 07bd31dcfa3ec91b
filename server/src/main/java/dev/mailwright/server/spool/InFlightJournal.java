package dev.mailwright.server.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which spooled mails were being processed when the server last went down. The spooler marks a mail (an empty file
 * named after it) before processing it and removes the mark once the spool acknowledged it; marks left at start name
 * the mails whose processing may have delivered part or all of them before a {@code kill -9}, a crash or a stop that
 * did not wait for them: those are processed again (the spool never acknowledged them) and must not be delivered
 * twice ({@link DeliverOnce}).
 *
 * <p>A mark is written without fsync: it survives the process being killed (the kernel keeps it), not a power loss,
 * after which such a mail may be delivered twice (never lost).
 */
final class InFlightJournal {
    private static final Logger LOGGER = LoggerFactory.getLogger(InFlightJournal.class);
    private static final HexFormat HEX = HexFormat.of();

    private final Path folder;
    private final Set<String> leftOver = ConcurrentHashMap.newKeySet();

    InFlightJournal(Path folder) {
        this.folder = folder;
        try {
            Files.createDirectories(folder);
            try (Stream<Path> marks = Files.list(folder)) {
                marks.forEach(mark -> leftOver.add(mark.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool's in-flight marks in " + folder, e);
        }
        if (!leftOver.isEmpty()) {
            LOGGER.warn("{} mail(s) were being processed when the server last stopped; they are processed again and not delivered "
                + "twice to a mailbox that already has them", leftOver.size());
        }
    }

    /** Whether {@code name} was being processed when the server last went down (and not acknowledged since). */
    boolean wasInFlight(String name) {
        return leftOver.contains(encode(name));
    }

    void begin(String name) {
        try {
            Files.write(folder.resolve(encode(name)), new byte[0]);
        } catch (IOException e) {
            // without the mark a crash now could deliver the mail twice; processing it matters more
            LOGGER.warn("Cannot mark mail {} as being processed: {}", name, e.toString());
        }
    }

    /** The spool could not acknowledge {@code name}: it comes back, and may have been delivered already. */
    void notAcknowledged(String name) {
        leftOver.add(encode(name));
    }

    /** After the spool acknowledged {@code name}. */
    void end(String name) {
        leftOver.remove(encode(name));
        try {
            Files.delete(folder.resolve(encode(name)));
        } catch (NoSuchFileException e) {
            // begin() could not write it
        } catch (IOException e) {
            LOGGER.warn("Cannot remove the in-flight mark of mail {}: {}", name, e.toString());
        }
    }

    /** A file name for any mail name, however long or odd: its SHA-256. */
    private static String encode(String name) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
