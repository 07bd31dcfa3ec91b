package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.AfterAll;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * TLS on the implicit-TLS ports (465 SMTP, 993 IMAP) offers forward-secret AEAD suites on TLS 1.2/1.3 only, as the
 * README promises (IMAP offered CBC, DHE and static RSA suites), and a failed handshake is one log line, not a stack
 * trace at ERROR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsPolicyIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).start();
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    private SSLSocket handshake(int port, String protocol, String suite) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {SmtpClient.TRUST_ALL}, new SecureRandom());
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setSoTimeout(10_000);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        tls.setEnabledProtocols(new String[] {protocol});
        tls.setEnabledCipherSuites(new String[] {suite});
        tls.startHandshake();
        return tls;
    }

    @Test
    void onlyForwardSecretAeadSuitesAreOffered() throws Exception {
        for (int port : new int[] {465, 993}) {
            int listener = server.port(port);
            try (SSLSocket tls = handshake(listener, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
                assertThat(tls.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
            }
            for (String weak : new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"}) {
                assertThatThrownBy(() -> handshake(listener, "TLSv1.2", weak).close()).as("port %d, %s", port, weak)
                    .isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    @Test
    void aFailedHandshakeIsOneLogLine() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        try {
            for (int port : new int[] {465, 993}) {
                try (Socket plain = new Socket("127.0.0.1", server.port(port))) {
                    plain.getOutputStream().write("plain text on a TLS port\r\n".getBytes());
                    plain.setSoTimeout(5_000);
                    assertThat(plain.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                }
            }
            Thread.sleep(500);
        } finally {
            root.detachAppender(events);
        }
        assertThat(events.list).filteredOn(event -> event.getFormattedMessage().contains("tls failed")).hasSize(2)
            .allSatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.INFO));
        assertThat(events.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
    }
}
