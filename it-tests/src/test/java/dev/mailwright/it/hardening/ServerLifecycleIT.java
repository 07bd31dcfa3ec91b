package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * What an operator sees around starts and stops: a clean stop logs no ERROR, a start that fails on a configuration
 * error leaves nothing that makes the next start rebuild the search index (see also {@link ServerProcessIT}).
 */
class ServerLifecycleIT {
    final ListAppender<ILoggingEvent> events = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    DnsServer dns;

    @BeforeEach
    void capture() {
        dns = DnsServer.start();
        events.start();
        root.addAppender(events);
    }

    @AfterEach
    void release() {
        root.detachAppender(events);
        dns.close();
    }

    @Test
    void aCleanStopLogsNoError(@TempDir Path directory) throws Exception {
        TestServer server = TestServer.create(directory, dns).start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("client.example.test");
            assertThat(client.send("someone@elsewhere.test", List.of("bob@example.test"),
                SmtpClient.message("someone@elsewhere.test", "bob@example.test", "before the stop", "body")).code()).isEqualTo(250);
        }
        // the spooler and the outbound delivery are waiting on their queues, as on any server between mails
        Thread.sleep(2000);
        events.list.clear();

        server.stop();

        assertThat(events.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
            .extracting(event -> event.getLoggerName() + ": " + event.getFormattedMessage())
            .isEmpty();
        assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage).contains("JAMES server stopped");
    }

    @Test
    void aStartThatFailsOnAConfigurationErrorLeavesNoMarkThatTheIndexNeedsARebuild(@TempDir Path directory) {
        TestServer server = TestServer.create(directory, dns)
            .edit("mailetcontainer.xml", "class=\"AddDeliveredToHeader\"", "class=\"NoSuchMailet\"");

        assertThatThrownBy(server::start).hasMessageContaining("NoSuchMailet");

        assertThat(server.data().resolve("search/mailwright-running")).doesNotExist();
        server.edit("mailetcontainer.xml", "class=\"NoSuchMailet\"", "class=\"AddDeliveredToHeader\"");
        events.list.clear();
        server.start();
        try {
            assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains("did not stop cleanly"));
        } finally {
            server.stop();
        }
    }
}
