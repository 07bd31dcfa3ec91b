package dev.mailwright.it.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.it.support.FreePorts;
import dev.mailwright.it.support.MailwrightImage;

/**
 * The two-organization world, through the very script a newcomer runs: {@code docker/two-orgs/demo.sh} creates
 * alice@org-a.test and bob@org-b.test, alice submits on org-a's 587, org-a finds org-b's server by DNS MX and hands
 * the mail over SMTP, bob reads it over IMAP. The script exits non-zero when the mail does not arrive; this test also
 * checks the evidence it prints. It runs in its own compose project, network and ports, beside a user's demo.
 */
class TwoOrganizationsIT {
    static final Logger LOGGER = LoggerFactory.getLogger(TwoOrganizationsIT.class);

    @Test
    void aliceAtOrgAWritesToBobAtOrgB(@TempDir Path directory) throws Exception {
        MailwrightImage.assumeAvailable();
        requireTools("swaks", "curl");
        Path demo = Path.of(System.getProperty("mailwright.source", "..")).resolve("docker/two-orgs/demo.sh").toAbsolutePath();
        String network = "10.53." + ThreadLocalRandom.current().nextInt(100, 200);
        Path output = directory.resolve("demo.log");

        ProcessBuilder builder = new ProcessBuilder(demo.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("MAILWRIGHT_IMAGE", MailwrightImage.NAME);
        builder.environment().put("TWO_ORGS_PROJECT", "mailwright-it-" + Long.toHexString(System.nanoTime()));
        builder.environment().put("TWO_ORGS_NET", network);
        builder.environment().put("ORG_A_SUBMISSION_PORT", String.valueOf(FreePorts.next()));
        builder.environment().put("ORG_A_IMAP_PORT", String.valueOf(FreePorts.next()));
        builder.environment().put("ORG_B_SUBMISSION_PORT", String.valueOf(FreePorts.next()));
        builder.environment().put("ORG_B_IMAP_PORT", String.valueOf(FreePorts.next()));
        Process process = builder.start();
        boolean finished = process.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy();
            process.waitFor(1, TimeUnit.MINUTES);
        }
        String log = Files.readString(output);
        LOGGER.info("demo.sh output:\n{}", log);

        assertThat(finished).as("demo.sh finished within 15 minutes").isTrue();
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log)
            .contains("10 mx.org-b.test.")
            .contains("<~  235 ")
            .contains("query[MX] org-b.test from " + network + ".10")
            .containsPattern("smtp outcome=accepted .*client=" + network.replace(".", "\\.") + "\\.10 helo=mx\\.org-a\\.test tls=TLSv1\\.[23] .*to=<bob@org-b\\.test>")
            .contains("by mx.org-b.test")
            .contains("by mx.org-a.test")
            .contains("* STATUS \"INBOX\" (MESSAGES 1)")
            .contains("Subject: Lunch on Friday?");
    }

    /** The host tools demo.sh uses, and a compose command (v2 plugin or v1 docker-compose). */
    static void requireTools(String... tools) {
        for (String tool : tools) {
            if (!onPath(tool)) {
                missing(tool);
            }
        }
        if (!onPath("docker-compose") && !composePluginWorks()) {
            missing("docker compose / docker-compose");
        }
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch(folder -> Files.isExecutable(Path.of(folder, tool)));
    }

    static boolean composePluginWorks() {
        try {
            Process process = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void missing(String tool) {
        if (MailwrightImage.required()) {
            throw new IllegalStateException("MAILWRIGHT_IT_REQUIRE_DOCKER=1 but " + tool + " is not installed (.ci/run installs it)");
        }
        Assumptions.abort(tool + " is not installed: the two-organization demo cannot run");
    }
}
