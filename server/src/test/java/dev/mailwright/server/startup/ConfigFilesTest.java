package dev.mailwright.server.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.server.modules.ServerVariables;

class ConfigFilesTest {
    @TempDir
    Path conf;

    private ConfigFiles files() {
        return new ConfigFiles(conf, conf.resolveSibling("var"), new ServerVariables(Map.of("hostname", "mx.example.test")));
    }

    @Test
    void aBrokenXmlFileIsNamedWithItsLine() throws Exception {
        Files.writeString(conf.resolve("smtpserver.xml"), "<smtpservers>\n  <smtpserver>\n</smtpservers>\n");

        assertThatThrownBy(() -> files().checkXmlSyntax())
            .isInstanceOf(StartupProblem.class)
            .hasMessageStartingWith(conf.resolve("smtpserver.xml") + " line 3:")
            .hasMessageEndingWith("(fix the XML syntax of this file)");
    }

    @Test
    void aMissingConfigurationFolderIsExplained() {
        ConfigFiles missing = new ConfigFiles(conf.resolve("nope"), conf, new ServerVariables(Map.of()));

        assertThatThrownBy(missing::checkXmlSyntax).hasMessageContaining("does not exist: pass --conf DIR");
    }

    @Test
    void expandsServerVariables() {
        assertThat(files().expand("${mailwright:hostname} ESMTP")).isEqualTo("mx.example.test ESMTP");
        assertThat(files().expand("${mailwright:unknown}")).isEqualTo("${mailwright:unknown}");
    }

    @Test
    void resolvesJamesResourceUrls() {
        assertThat(files().resolve("file://var/tls/key.pem")).contains(conf.resolveSibling("var").resolve("tls/key.pem"));
        assertThat(files().resolve("file://conf/keystore")).contains(conf.resolve("keystore"));
        assertThat(files().resolve("file:///etc/ssl/key.pem")).contains(Path.of("/etc/ssl/key.pem"));
        assertThat(files().resolve("classpath://x")).isEmpty();
    }

    @Test
    void aPortInUseIsReportedWithTheServerThatWantsIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Files.writeString(conf.resolve("smtpserver.xml"), "<smtpservers><smtpserver enabled=\"true\"><jmxName>smtp-mx</jmxName>"
                + "<bind>127.0.0.1:" + taken.getLocalPort() + "</bind></smtpserver></smtpservers>");

            assertThatThrownBy(() -> ListenerCheck.check(files()))
                .isInstanceOf(StartupProblem.class)
                .hasMessage("port 127.0.0.1:" + taken.getLocalPort() + " is already in use (smtpserver.xml (smtp-mx)): stop the "
                    + "program holding it (e.g. `ss -ltnp 'sport = :" + taken.getLocalPort() + "'`) or change <bind>");
        }
    }

    @Test
    void disabledServersAreNotChecked() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Files.writeString(conf.resolve("lmtpserver.xml"), "<lmtpservers><lmtpserver enabled=\"false\">"
                + "<bind>127.0.0.1:" + taken.getLocalPort() + "</bind></lmtpserver></lmtpservers>");

            ListenerCheck.check(files());
        }
    }
}
