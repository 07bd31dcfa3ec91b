package dev.mailwright.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A filesystem of a fixed size for a test (a tmpfs: {@code mount -t tmpfs -o size=...}), so that a disk can really
 * fill up. Mounting needs root (as under {@code .ci/run}); without it the test is skipped, unless
 * {@code MAILWRIGHT_IT_REQUIRE_ROOT=1} (set by {@code .ci/run}) makes that a failure. {@link #fillUntilFree} eats
 * space with a filler file, {@link #freeFiller} gives it back.
 */
public final class SmallFilesystem implements AutoCloseable {
    private final Path mountPoint;
    private final Path filler;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    public static SmallFilesystem mount(Path mountPoint, int sizeMiB) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Commands.Result result = Commands.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m,mode=0755", "tmpfs",
            mountPoint.toString()));
        if (result.exitCode() != 0) {
            String problem = "cannot mount a " + sizeMiB + " MiB tmpfs at " + mountPoint + " (needs root): " + result.output().strip();
            if ("1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_ROOT"))) {
                throw new IllegalStateException(problem);
            }
            Assumptions.abort(problem);
        }
        return new SmallFilesystem(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    public long freeBytes() {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grows the filler file until at most {@code bytes} are free (0: the disk is full). */
    public void fillUntilFree(long bytes) {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (freeBytes() > bytes) {
                long missing = freeBytes() - bytes;
                out.write(chunk, 0, (int) Math.min(chunk.length, Math.max(1, missing)));
            }
        } catch (IOException full) {
            // "No space left on device": as full as it gets
        }
    }

    public void freeFiller() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        Commands.Result result = Commands.run(List.of("umount", "-l", mountPoint.toString()));
        if (result.exitCode() != 0) {
            System.err.println("umount " + mountPoint + ": " + result.output());
        }
    }
}
