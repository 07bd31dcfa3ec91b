package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.Commands;

/**
 * {@code ./mailwright run} rebuilds the server when any module it is built from changed, including {@code common/}
 * and modules added later, and not for a change of the end-to-end tests. The real script runs in a copy of the
 * source tree's layout, with a stand-in {@code mvn} (no build is run) and a stand-in server distribution.
 */
class RunCommandIT {
    @TempDir
    Path root;

    @BeforeEach
    void sourceTree() throws Exception {
        Files.copy(Path.of(AdminCommandIT.script()), root.resolve("mailwright"));
        Files.writeString(root.resolve("pom.xml"), """
            <project>
                <version>9.9.9</version>
                <modules>
                    <module>common</module>
                    <module>server</module>
                    <module>mailbox</module>
                    <module>examples/custom-mailet</module>
                    <module>it-tests</module>
                </modules>
            </project>
            """);
        for (String module : List.of("common", "server", "mailbox", "examples/custom-mailet", "it-tests")) {
            Files.writeString(Files.createDirectories(root.resolve(module).resolve("src/main/java")).resolve("A.java"), "class A {}");
        }
        Files.createDirectories(root.resolve("conf"));
        Path dist = Files.createDirectories(root.resolve("server/target/mailwright-9.9.9"));
        Path server = Files.createDirectories(dist.resolve("bin")).resolve("mailwright-server");
        Files.writeString(server, "#!/bin/sh\necho \"server started $*\"\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stamp = Files.createDirectories(dist.resolve("lib")).resolve("mailwright-server-9.9.9.jar");
        Files.writeString(stamp, "built");
        Path bin = Files.createDirectories(root.resolve("fake-bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"mvn $*\"\nexit 1\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        everySourceOlderThanTheBuild();
    }

    void everySourceOlderThanTheBuild() throws Exception {
        try (var files = Files.walk(root)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
            }
        }
        Files.setLastModifiedTime(root.resolve("server/target/mailwright-9.9.9/lib/mailwright-server-9.9.9.jar"),
            FileTime.from(Instant.now().minusSeconds(60)));
    }

    Commands.Result run() {
        return Commands.run(List.of(root.resolve("mailwright").toString(), "run", "--hostname", "mx.example.test"),
            Map.of("PATH", root.resolve("fake-bin") + ":" + System.getenv("PATH")), null);
    }

    void touch(String file) throws Exception {
        Files.setLastModifiedTime(root.resolve(file), FileTime.from(Instant.now()));
    }

    @Test
    void anUpToDateBuildRunsTheServerAtOnce() {
        assertThat(run().output()).contains("server started").doesNotContain("mvn ");
    }

    @Test
    void aChangeInCommonOrInAModuleAddedLaterRebuilds() throws Exception {
        touch("common/src/main/java/A.java");
        assertThat(run().output()).contains("mvn -q -B -DskipTests install -pl server -am").doesNotContain("server started");

        everySourceOlderThanTheBuild();
        touch("mailbox/src/main/java/A.java");
        assertThat(run().output()).contains("mvn ").doesNotContain("server started");
    }

    @Test
    void aChangeOfTheTestsOrExamplesDoesNotRebuild() throws Exception {
        touch("it-tests/src/main/java/A.java");
        touch("examples/custom-mailet/src/main/java/A.java");

        assertThat(run().output()).contains("server started").doesNotContain("mvn ");
    }
}
