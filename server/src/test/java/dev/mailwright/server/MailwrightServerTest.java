package dev.mailwright.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mailwright.server.startup.StartupProblem;

class MailwrightServerTest {
    @Test
    void dataDefaultsToVarBesideTheConfigurationFolder() throws Exception {
        MailwrightConfiguration configuration = MailwrightServer.parse(new String[] {"--conf", "/srv/mail/conf", "--hostname", "mx.example.test"});

        assertThat(configuration.conf()).isEqualTo(Path.of("/srv/mail/conf"));
        assertThat(configuration.data()).isEqualTo(Path.of("/srv/mail/var"));
        assertThat(configuration.hostname()).isEqualTo("mx.example.test");
    }

    @Test
    void dataCanBeMovedElsewhere() throws Exception {
        MailwrightConfiguration configuration = MailwrightServer.parse(new String[] {"--conf", "/srv/mail/conf", "--data", "/data"},
            Map.of("MAILWRIGHT_HOSTNAME", "mx.example.test"), Optional::empty);

        assertThat(configuration.data()).isEqualTo(Path.of("/data"));
    }

    @Test
    void unknownOptionsAreRefused() {
        assertThatThrownBy(() -> MailwrightServer.parse(new String[] {"--port", "25"})).hasMessage("unknown option --port");
        assertThatThrownBy(() -> MailwrightServer.parse(new String[] {"--conf"})).hasMessage("--conf needs a value");
    }

    @Test
    void theHostNameComesFromTheOptionTheEnvironmentOrAFullyQualifiedMachineName() throws Exception {
        String[] none = {"--conf", "/srv/mail/conf"};

        assertThat(MailwrightServer.parse(new String[] {"--hostname", "mx.example.test"}, Map.of("MAILWRIGHT_HOSTNAME", "other.example.test"),
            () -> Optional.of("machine.example.test")).hostname()).isEqualTo("mx.example.test");
        assertThat(MailwrightServer.parse(none, Map.of("MAILWRIGHT_HOSTNAME", "other.example.test"),
            () -> Optional.of("machine.example.test")).hostname()).isEqualTo("other.example.test");
        assertThat(MailwrightServer.parse(none, Map.of(), () -> Optional.of("machine.example.test")).hostname())
            .isEqualTo("machine.example.test");
    }

    @Test
    void withoutAFullyQualifiedNameTheServerRefusesToStartAndSaysHowToGiveOne() {
        String[] none = {"--conf", "/srv/mail/conf"};

        for (String machine : new String[] {"vm", "localhost", "localhost.localdomain", "127.0.0.1"}) {
            assertThatThrownBy(() -> MailwrightServer.parse(none, Map.of(), () -> Optional.of(machine)))
                .isInstanceOf(StartupProblem.class)
                .hasMessageContaining("'" + machine + "'")
                .hasMessageContaining("--hostname mail.example.com")
                .hasMessageContaining("MAILWRIGHT_HOSTNAME")
                .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> MailwrightServer.parse(none, Map.of(), Optional::empty)).isInstanceOf(StartupProblem.class);
        assertThatThrownBy(() -> MailwrightServer.parse(new String[] {"--hostname", "localhost"}, Map.of(), () -> Optional.of("mx.example.test")))
            .hasMessageStartingWith("--hostname 'localhost' is a name for the local machine only");
        assertThatThrownBy(() -> MailwrightServer.parse(none, Map.of("MAILWRIGHT_HOSTNAME", "mail"), () -> Optional.of("mx.example.test")))
            .hasMessageStartingWith("MAILWRIGHT_HOSTNAME 'mail' is not a fully qualified domain name");
        assertThatThrownBy(() -> MailwrightServer.parse(new String[] {"--hostname", "mail_1.example.test"}, Map.of(), Optional::empty))
            .hasMessageContaining("is not a valid host name");
    }
}
