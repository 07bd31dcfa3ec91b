package dev.mailwright.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class MailwrightServerTest {
    @Test
    void dataDefaultsToVarBesideTheConfigurationFolder() {
        MailwrightConfiguration configuration = MailwrightServer.parse(new String[] {"--conf", "/srv/mail/conf", "--hostname", "mx.example.test"});

        assertThat(configuration.conf()).isEqualTo(Path.of("/srv/mail/conf"));
        assertThat(configuration.data()).isEqualTo(Path.of("/srv/mail/var"));
        assertThat(configuration.hostname()).isEqualTo("mx.example.test");
    }

    @Test
    void dataCanBeMovedElsewhere() {
        MailwrightConfiguration configuration = MailwrightServer.parse(new String[] {"--conf", "/srv/mail/conf", "--data", "/data"});

        assertThat(configuration.data()).isEqualTo(Path.of("/data"));
    }

    @Test
    void unknownOptionsAreRefused() {
        assertThatThrownBy(() -> MailwrightServer.parse(new String[] {"--port", "25"})).hasMessage("unknown option --port");
        assertThatThrownBy(() -> MailwrightServer.parse(new String[] {"--conf"})).hasMessage("--conf needs a value");
    }
}
