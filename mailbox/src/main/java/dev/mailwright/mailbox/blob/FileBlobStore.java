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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
 */
public final class FileBlobStore implements BlobStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileBlobStore.class);
    private static final int BUFFER = 64 * 1024;

    private final Path root;

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
        Path folder = file.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            fsync(root);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FileWriter(id, file, channel);
    }

    private static final class FileWriter implements BlobWriter {
        private final BlobId id;
        private final Path file;
        private final FileChannel channel;
        private final OutputStream output;
        private boolean committed;

        FileWriter(BlobId id, Path file, FileChannel channel) {
            this.id = id;
            this.file = file;
            this.channel = channel;
            this.output = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER) {
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
            channel.force(false);
            channel.close();
            fsync(file.getParent());
            committed = true;
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

    @Override
    public BlobId copy(BlobId id) throws IOException {
        BlobId copy = BlobId.random();
        Path target = path(copy);
        Files.createDirectories(target.getParent());
        try {
            Files.createLink(target, path(id));
            // a link shares the original's times: mark it as new so that a sweep running meanwhile leaves it alone
            Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links on this file system: a real copy
            Files.deleteIfExists(target);
            Files.copy(path(id), target, StandardCopyOption.COPY_ATTRIBUTES);
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        }
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

    static void fsync(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
