package dev.mailwright.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.server.modules.ServerVariables;
import dev.mailwright.server.startup.ConfigFiles;
import dev.mailwright.server.startup.StartupProblem;

class ClusterSettingsTest {
    @TempDir
    Path conf;

    private Optional<ClusterSettings> read(String xml) throws Exception {
        if (xml != null) {
            Files.writeString(conf.resolve("cluster.xml"), xml);
        }
        return ClusterSettings.read(new ConfigFiles(conf, conf.resolve("var"), new ServerVariables(Map.of("hostname", "mx1.example.com"))),
            "mx1.example.com");
    }

    @Test
    void withoutTheFileOrWithTheShippedOneTheServerRunsAlone() throws Exception {
        assertThat(read(null)).isEmpty();
        assertThat(read(Files.readString(Path.of("../conf/cluster.xml")))).isEmpty();
        assertThat(read("<cluster><rabbitmq> </rabbitmq></cluster>")).isEmpty();
    }

    @Test
    void aBrokerMakesAClusterNodeNamedAfterTheHostByDefault() throws Exception {
        ClusterSettings settings = read("<cluster><rabbitmq>amqp://10.0.0.5:5672</rabbitmq></cluster>").orElseThrow();
        assertThat(settings.rabbitMqUri().toString()).isEqualTo("amqp://10.0.0.5:5672");
        assertThat(settings.nodeName()).isEqualTo("mx1.example.com");
        assertThat(settings.counterSync()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void thePasswordComesFromItsFileAndIsNeverShown() throws Exception {
        Path secret = conf.resolve("rabbit-password");
        Files.writeString(secret, "s3cr:t/pw\n");
        ClusterSettings settings = read("<cluster><rabbitmq>amqp://mailwright@rabbit.internal:5672/prod</rabbitmq>"
            + "<passwordFile>" + secret + "</passwordFile><nodeName>mx2</nodeName><counterSync>500ms</counterSync></cluster>").orElseThrow();
        assertThat(settings.rabbitMqUri().getUserInfo()).isEqualTo("mailwright:s3cr:t/pw");
        assertThat(settings.rabbitMqUri().getPath()).isEqualTo("/prod");
        assertThat(settings.describeBroker()).isEqualTo("amqp://mailwright@rabbit.internal:5672").doesNotContain("s3cr");
        assertThat(settings.nodeName()).isEqualTo("mx2");
        assertThat(settings.counterSync()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void badValuesAreStartupProblems() {
        assertThatThrownBy(() -> read("<cluster><rabbitmq>http://rabbit</rabbitmq></cluster>"))
            .isInstanceOf(StartupProblem.class).hasMessageContaining("amqp://");
        assertThatThrownBy(() -> read("<cluster><rabbitmq>amqp://rabbit</rabbitmq><counterSync>soon</counterSync></cluster>"))
            .isInstanceOf(StartupProblem.class).hasMessageContaining("counterSync");
        assertThatThrownBy(() -> read("<cluster><rabbitmq>amqp://rabbit</rabbitmq><passwordFile>/nonexistent/pw</passwordFile></cluster>"))
            .isInstanceOf(StartupProblem.class).hasMessageContaining("passwordFile");
    }
}
