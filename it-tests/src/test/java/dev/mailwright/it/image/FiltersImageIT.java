package dev.mailwright.it.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

import dev.mailwright.it.support.MailwrightContainer;
import dev.mailwright.it.support.MailwrightImage;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;

/**
 * The image with its content filters as separate containers, as in docker/compose.yaml: rspamd and clamd from the
 * mailwright-filters image (docker/filters/build-image.sh; rspamd offline, clamd with the EICAR test signature) on
 * one Docker network with the server, found through MAILWRIGHT_RSPAMD_URL and MAILWRIGHT_CLAMD_ADDRESS. A client
 * on the host (outside the server's trusted addresses) gets GTUBE refused with 550 and EICAR with 554.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FiltersImageIT {
    static final String FILTERS_IMAGE = "mailwright-filters:latest";

    Network network;
    GenericContainer<?> rspamd;
    GenericContainer<?> clamav;
    MailwrightContainer server;

    @BeforeAll
    void start() {
        MailwrightImage.assumeAvailable();
        try {
            DockerClientFactory.instance().client().inspectImageCmd(FILTERS_IMAGE).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            if ("1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_DOCKER"))) {
                throw new IllegalStateException("MAILWRIGHT_IT_REQUIRE_DOCKER=1 but " + FILTERS_IMAGE + " does not exist: docker/filters/build-image.sh");
            }
            org.junit.jupiter.api.Assumptions.abort(FILTERS_IMAGE + " does not exist: build it with docker/filters/build-image.sh");
        }
        network = Network.newNetwork();
        rspamd = new GenericContainer<>(FILTERS_IMAGE).withCommand("rspamd").withEnv("RSPAMD_OFFLINE", "yes")
            .withNetwork(network).withNetworkAliases("rspamd")
            .waitingFor(Wait.forLogMessage(".*filters: rspamd scanner.*\\n", 1).withStartupTimeout(Duration.ofMinutes(3)));
        clamav = new GenericContainer<>(FILTERS_IMAGE).withCommand("clamd").withEnv("FRESHCLAM", "no")
            .withNetwork(network).withNetworkAliases("clamav")
            .waitingFor(Wait.forLogMessage(".*filters: clamd .*\\n", 1).withStartupTimeout(Duration.ofMinutes(3)));
        rspamd.start();
        clamav.start();
        server = new MailwrightContainer()
            .withNetwork(network)
            .withEnv("MAILWRIGHT_HOSTNAME", "mail.example.test")
            .withEnv("MAILWRIGHT_DOMAINS", "example.test")
            .withEnv("MAILWRIGHT_RSPAMD_URL", "http://rspamd:11333")
            .withEnv("MAILWRIGHT_CLAMD_ADDRESS", "clamav:3310");
        server.start();
        server.addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        for (GenericContainer<?> container : new GenericContainer<?>[] {server, rspamd, clamav}) {
            if (container != null) {
                container.stop();
            }
        }
        if (network != null) {
            network.close();
        }
    }

    private Reply send(String body) {
        try (SmtpClient smtp = SmtpClient.connect(server.port(25))) {
            smtp.ehlo("mx.other.test");
            return smtp.send("news@other.test", List.of("bob@example.test"), "From: <news@other.test>\r\nTo: <bob@example.test>\r\n"
                + "Subject: test\r\nMessage-ID: <" + System.nanoTime() + "@other.test>\r\nMIME-Version: 1.0\r\n" + body);
        }
    }

    @Test
    void theServerSaysWhereItsFiltersAre() {
        assertThat(server.getLogs()).contains("filters: spam filtering with rspamd at http://rspamd:11333")
            .contains("filters: virus scanning with clamd at clamav:3310");
    }

    @Test
    void gtubeIsRefusedThroughTheRspamdContainer() {
        Reply reply = send("Content-Type: text/plain\r\n\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n");

        assertThat(reply.text()).isEqualTo("550 5.7.1 Gtube pattern");
    }

    @Test
    void eicarIsRefusedThroughTheClamavContainer() {
        String eicar = Base64.getMimeEncoder().encodeToString(
            "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Reply reply = send("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + eicar + "\r\n--b--\r\n");

        assertThat(reply.text()).isEqualTo("554 5.7.1 Message rejected: virus found: Mailwright.Test.EICAR.UNOFFICIAL");
    }
}
