package dev.mailwright.mailbox.blob;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bodies as files: {@code <root>/<first two hex digits>/<blob id>}. A blob is durable when its file and its folder
 * are fsynced ({@link BlobWriter#commit()}); the database row that references it is written after that, so a crash
 * leaves at worst an unreferenced file, which {@link #sweepOrphans} removes at the next start.
 *
 * <p><b>Identical bodies share their file.</b> The store remembers the SHA-256 of the {@value #RECENT} blobs it
 * wrote last. A new blob with the same bytes as one of them (the same mail delivered to several mailboxes: the
 * delivery writes the body alone, see {@code MessageIngest}) is committed as a new hard link to that durable file
 * instead: its own name, so an expunge removes only its own name, and only its folder is fsynced, not a second copy
 * of the data. The bytes written for it are dropped without ever being fsynced. When the file is gone meanwhile (or
 * the link fails: too many links, a file system without links), the blob is committed as written.
 */
public final class FileBlobStore implements BlobStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileBlobStore.class);
    private static final int BUFFER = 64 * 1024;
    static final int RECENT = 1024;

    private final Path root;
    /** SHA-256 and size of recently written blobs, to the newest blob holding those bytes. */
    private final Map<Content, BlobId> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Content, BlobId> eldest) {
            return size() > RECENT;
        }
    };

    private record Content(String sha256, long size) {
    }

    public FileBlobStore(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root);
    }

    public Path root() {
        return root;
    }

    Path path(BlobId id) {
        return root.resolve(id.value().substring(0, 2)).resolve(id.value());
    }

    @Override
    public BlobWriter create() throws IOException {
        BlobId id = BlobId.random();
        Path file = path(id);
        ensureFolder(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FileWriter(id, file, channel);
    }

    private BlobId sameBytes(Content content) {
        synchronized (recent) {
            return recent.get(content);
        }
    }

    private void remember(Content content, BlobId id) {
        synchronized (recent) {
            recent.put(content, id);
        }
    }

    /** A new durable name for the file of {@code existing}, or null when that file cannot be linked (gone...). */
    private BlobId link(BlobId existing) {
        BlobId id = BlobId.random();
        Path target = path(id);
        try {
            ensureFolder(target);
        } catch (IOException e) {
            LOGGER.debug("Cannot create the folder of {}: {}", target, e.toString());
            return null;
        }
        if (!tryLink(target, path(existing))) {
            return null;
        }
        try {
            fsync(target.getParent());
            return id;
        } catch (IOException e) {
            LOGGER.debug("Cannot fsync the folder of {}: {}", target, e.toString());
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // an unreferenced name: the next start removes it
            }
            return null;
        }
    }

    private final class FileWriter implements BlobWriter {
        private final BlobId id;
        private final Path file;
        private final FileChannel channel;
        private final MessageDigest digest = sha256();
        private final OutputStream output;
        private long size;
        private boolean committed;

        FileWriter(BlobId id, Path file, FileChannel channel) {
            this.id = id;
            this.file = file;
            this.channel = channel;
            OutputStream toFile = Channels.newOutputStream(channel);
            OutputStream digesting = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    digest.update((byte) b);
                    size++;
                    toFile.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    digest.update(bytes, offset, length);
                    size += length;
                    toFile.write(bytes, offset, length);
                }
            };
            this.output = new BufferedOutputStream(digesting, BUFFER) {
                @Override
                public void close() {
                    // the writer closes the channel; callers may close the stream they were given
                }
            };
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public BlobId commit() throws IOException {
            output.flush();
            Content content = new Content(HexFormat.of().formatHex(digest.digest()), size);
            BlobId existing = sameBytes(content);
            if (existing != null) {
                BlobId linked = link(existing);
                if (linked != null) {
                    // the bytes written here were never fsynced: dropping them costs no disk write
                    committed = true;
                    remember(content, linked);
                    try {
                        channel.close();
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        LOGGER.warn("Cannot remove the unused blob {} (the next start removes it): {}", file, e.getMessage());
                    }
                    return linked;
                }
            }
            channel.force(false);
            channel.close();
            fsync(file.getParent());
            committed = true;
            remember(content, id);
            return id;
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOGGER.debug("Closing blob {}", id, e);
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOGGER.warn("Cannot remove the partial blob {}: {}", file, e.getMessage());
            }
        }
    }

    @Override
    public InputStream open(BlobId id, long offset) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path(id), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path(id).toString(), null, "the body of this message is missing from the blob store");
        }
        channel.position(offset);
        return new FilterInputStream(Channels.newInputStream(channel)) {
            @Override
            public long skip(long n) throws IOException {
                long position = channel.position();
                long target = Math.min(channel.size(), position + Math.max(0, n));
                channel.position(target);
                return target - position;
            }
        };
    }

    /** Creates the folder of a new blob file when missing, and makes that folder's name durable. */
    private void ensureFolder(Path file) throws IOException {
        Path folder = file.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            fsync(root);
        }
    }

    /**
     * A hard link {@code target} to {@code source}; false when there is none (the source is gone, too many links,
     * or a file system without hard links: {@code createLink} then throws {@link UnsupportedOperationException}).
     */
    private static boolean tryLink(Path target, Path source) {
        try {
            Files.createLink(target, source);
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            LOGGER.debug("Cannot link {} to {}: {}", target, source, e.toString());
            return false;
        }
    }

    @Override
    public BlobId copy(BlobId id) throws IOException {
        BlobId copy = BlobId.random();
        Path target = path(copy);
        ensureFolder(target);
        if (!tryLink(target, path(id))) {
            // no hard links on this file system: a real copy
            Files.deleteIfExists(target);
            Files.copy(path(id), target, StandardCopyOption.COPY_ATTRIBUTES);
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
        }
        // a link shares the original's times: mark it as new so that a sweep running meanwhile leaves it alone
        Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        fsync(target.getParent());
        return copy;
    }

    @Override
    public void delete(Collection<BlobId> ids) {
        for (BlobId id : ids) {
            try {
                Files.deleteIfExists(path(id));
            } catch (IOException e) {
                LOGGER.warn("Cannot remove blob {} (the next start removes it): {}", id, e.getMessage());
            }
        }
    }

    @Override
    public long sweepOrphans(Instant createdBefore, Function<Set<BlobId>, Set<BlobId>> referenced) throws IOException {
        long removed = 0;
        Map<BlobId, Path> batch = new HashMap<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                List<Path> files = new ArrayList<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                    entries.forEach(files::add);
                }
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (!BlobId.isValid(name)) {
                        continue;
                    }
                    if (!Files.getLastModifiedTime(file).toInstant().isBefore(createdBefore)) {
                        continue;
                    }
                    batch.put(new BlobId(name), file);
                    if (batch.size() >= 500) {
                        removed += removeUnreferenced(batch, referenced);
                        batch.clear();
                    }
                }
            }
        }
        removed += removeUnreferenced(batch, referenced);
        return removed;
    }

    private static long removeUnreferenced(Map<BlobId, Path> batch, Function<Set<BlobId>, Set<BlobId>> referenced) throws IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        Set<BlobId> used = referenced.apply(batch.keySet());
        long removed = 0;
        for (Map.Entry<BlobId, Path> entry : batch.entrySet()) {
            if (!used.contains(entry.getKey()) && Files.deleteIfExists(entry.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    @Override
    public String describe() {
        return "files in " + root;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static void fsync(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
