package dev.mailwright.mailbox.search;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per folder, the UID up to which the search index holds the folder's messages ("indexed up to", as Dovecot's FTS
 * keeps it), with the folder's UIDVALIDITY. Kept in a file beside the index because the index is this server's
 * own: written after each index commit (temporary file, fsync, rename), so a mark never claims more than the
 * committed index holds; after a crash, indexing resumes from the mark.
 */
final class IndexMarks {
    record Mark(long uidValidity, long indexedUpTo) {
    }

    private final Path file;
    private final Map<String, Mark> marks = new ConcurrentHashMap<>();

    IndexMarks(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            Properties stored = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(reader);
            }
            for (String mailbox : stored.stringPropertyNames()) {
                String[] parts = stored.getProperty(mailbox).split(":");
                if (parts.length == 2) {
                    marks.put(mailbox, new Mark(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
                }
            }
        }
    }

    Optional<Mark> get(String mailboxId) {
        return Optional.ofNullable(marks.get(mailboxId));
    }

    synchronized void put(String mailboxId, Mark mark) throws IOException {
        marks.put(mailboxId, mark);
        save();
    }

    synchronized void remove(String mailboxId) throws IOException {
        if (marks.remove(mailboxId) != null) {
            save();
        }
    }

    private void save() throws IOException {
        Properties stored = new Properties();
        marks.forEach((mailbox, mark) -> stored.setProperty(mailbox, mark.uidValidity() + ":" + mark.indexedUpTo()));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            stored.store(writer, "per mailbox: uidvalidity:indexed-up-to-uid (Mailwright search index)");
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        }
    }
}
