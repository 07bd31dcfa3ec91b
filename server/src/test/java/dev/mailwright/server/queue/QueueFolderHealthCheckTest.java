package dev.mailwright.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFolderHealthCheckTest {
    @TempDir
    Path root;

    @Test
    void healthyWhenTheFolderCanBeWritten() {
        assertThat(new QueueFolderHealthCheck(root).probe().isHealthy()).isTrue();
    }

    @Test
    void unhealthyWhenTheFolderIsMissing() {
        assertThat(new QueueFolderHealthCheck(root.resolve("missing")).probe().isUnHealthy()).isTrue();
    }

    @Test
    void unhealthyWhenTheFolderCannotBeWritten() throws Exception {
        Path folder = Files.createDirectory(root.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(folder), "running as a user who writes anywhere");
            assertThat(new QueueFolderHealthCheck(folder).probe().isUnHealthy()).isTrue();
        } finally {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
