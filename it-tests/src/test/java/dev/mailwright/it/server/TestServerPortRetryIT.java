package dev.mailwright.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/** The test harness itself: a listener port taken between its choice and the start is replaced by another one. */
class TestServerPortRetryIT {
    @Test
    void aPortTakenBeforeTheStartIsReplaced(@TempDir Path directory) throws Exception {
        try (DnsServer dns = DnsServer.start()) {
            TestServer server = TestServer.create(directory, dns);
            int chosen = server.port(25);
            try (ServerSocket thief = new ServerSocket()) {
                thief.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), chosen));
                server.start();
                try {
                    assertThat(server.port(25)).isNotEqualTo(chosen);
                    try (SmtpClient client = SmtpClient.connectFrom("127.0.0.1", server.port(25))) {
                        assertThat(client.ehlo("retry.test").code()).isEqualTo(250);
                    }
                } finally {
                    server.stop();
                }
            }
        }
    }
}
