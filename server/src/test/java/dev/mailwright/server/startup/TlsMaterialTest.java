package dev.mailwright.server.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;

import javax.net.ssl.X509ExtendedKeyManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.server.modules.ServerVariables;
import nl.altindag.ssl.util.PemUtils;

class TlsMaterialTest {
    @TempDir
    Path root;

    private ConfigFiles files(String tls) throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Files.writeString(conf.resolve("smtpserver.xml"), """
            <smtpservers><smtpserver enabled="true"><jmxName>smtp-submission</jmxName><bind>127.0.0.1:0</bind>
            <tls socketTLS="false" startTLS="true">%s</tls></smtpserver></smtpservers>""".formatted(tls));
        return new ConfigFiles(conf, root.resolve("var"), new ServerVariables(Map.of("hostname", "mail.example.test")));
    }

    @Test
    void createsASelfSignedCertificateThatJamesCanLoad() throws Exception {
        ConfigFiles files = files("<privateKey>file://var/tls/privkey.pem</privateKey><certificates>file://var/tls/fullchain.pem</certificates>");

        TlsMaterial.ensure(files, root.resolve("var"), "mail.example.test");

        Path key = root.resolve("var/tls/privkey.pem");
        Path chain = root.resolve("var/tls/fullchain.pem");
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (InputStream in = Files.newInputStream(chain)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=mail.example.test");
            assertThat(certificate.getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo("mail.example.test"));
        }
        // the same loader James uses for <privateKey>/<certificates>
        try (InputStream certificates = Files.newInputStream(chain); InputStream privateKey = Files.newInputStream(key)) {
            X509ExtendedKeyManager keyManager = PemUtils.loadIdentityMaterial(certificates, privateKey);
            assertThat(keyManager).isNotNull();
        }
    }

    @Test
    void keepsExistingFiles() throws Exception {
        ConfigFiles files = files("<privateKey>file://var/tls/privkey.pem</privateKey><certificates>file://var/tls/fullchain.pem</certificates>");
        TlsMaterial.ensure(files, root.resolve("var"), "mail.example.test");
        String first = Files.readString(root.resolve("var/tls/fullchain.pem"));

        TlsMaterial.ensure(files, root.resolve("var"), "mail.example.test");

        assertThat(Files.readString(root.resolve("var/tls/fullchain.pem"))).isEqualTo(first);
    }

    @Test
    void neverReplacesAMissingCertificateOutsideTheDataFolder() throws Exception {
        ConfigFiles files = files("<privateKey>file:///etc/letsencrypt/live/x/privkey.pem</privateKey>"
            + "<certificates>file:///etc/letsencrypt/live/x/fullchain.pem</certificates>");

        assertThatThrownBy(() -> TlsMaterial.ensure(files, root.resolve("var"), "mail.example.test"))
            .isInstanceOf(StartupProblem.class)
            .hasMessageContaining("/etc/letsencrypt/live/x/privkey.pem")
            .hasMessageContaining("do not exist");
    }

    @Test
    void refusesHalfAPair() throws Exception {
        ConfigFiles files = files("<privateKey>file://var/tls/privkey.pem</privateKey><certificates>file://var/tls/fullchain.pem</certificates>");
        Files.createDirectories(root.resolve("var/tls"));
        Files.writeString(root.resolve("var/tls/privkey.pem"), "x");

        assertThatThrownBy(() -> TlsMaterial.ensure(files, root.resolve("var"), "mail.example.test"))
            .isInstanceOf(StartupProblem.class)
            .hasMessageContaining("fullchain.pem is missing");
    }
}
