package dev.mailwright.server.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;

import org.apache.james.jwt.JwtConfiguration;
import org.apache.james.jwt.JwtTokenVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.server.modules.ServerVariables;

class WebAdminCredentialsTest {
    private static final String ENABLED = "enabled=true\njwt.enabled=true\njwt.publickeypem.url=file://var/webadmin/jwt-public.pem\n";

    @TempDir
    Path root;

    private ConfigFiles files(String webadmin) throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Files.writeString(conf.resolve("webadmin.properties"), webadmin);
        return new ConfigFiles(conf, root.resolve("var"), new ServerVariables(Map.of("hostname", "mail.example.test")));
    }

    private Path data() {
        return root.resolve("var");
    }

    @Test
    void firstStartCreatesAKeyPairAndAnAdministratorTokenThatJamesAccepts() throws Exception {
        WebAdminCredentials.ensure(files(ENABLED), data());

        Path token = data().resolve("webadmin/admin.token");
        Path privateKey = data().resolve("webadmin/jwt-private.pem");
        assertThat(Files.getPosixFilePermissions(token)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(privateKey)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        JwtTokenVerifier verifier = verifier();
        String value = Files.readString(token).strip();
        assertThat(verifier.verifyAndExtractLogin(value)).contains("admin");
        assertThat(verifier.hasAttribute("admin", true, value)).isTrue();
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        WebAdminCredentials.ensure(files(ENABLED), data());
        String firstToken = Files.readString(data().resolve("webadmin/admin.token")).strip();
        Files.delete(data().resolve("webadmin/jwt-public.pem"));

        WebAdminCredentials.ensure(files(ENABLED), data());

        assertThat(verifier().verifyAndExtractLogin(firstToken)).isEmpty();
    }

    @Test
    void laterStartsKeepTheKeysAndRecreateOnlyAMissingToken() throws Exception {
        WebAdminCredentials.ensure(files(ENABLED), data());
        String publicKey = Files.readString(data().resolve("webadmin/jwt-public.pem"));
        Files.delete(data().resolve("webadmin/admin.token"));

        WebAdminCredentials.ensure(files(ENABLED), data());

        assertThat(Files.readString(data().resolve("webadmin/jwt-public.pem"))).isEqualTo(publicKey);
        assertThat(verifier().verifyAndExtractLogin(Files.readString(data().resolve("webadmin/admin.token")).strip())).contains("admin");
    }

    @Test
    void aPublicKeyOutsideTheDataFolderMustExist() throws Exception {
        ConfigFiles files = files("enabled=true\njwt.enabled=true\njwt.publickeypem.url=file://conf/jwt.pem\n");

        assertThatThrownBy(() -> WebAdminCredentials.ensure(files, data()))
            .isInstanceOf(StartupProblem.class)
            .hasMessageContaining("does not exist");
    }

    @Test
    void withoutJwtNothingIsCreated() throws Exception {
        WebAdminCredentials.ensure(files("enabled=true\njwt.enabled=false\n"), data());

        assertThat(data().resolve("webadmin")).doesNotExist();
    }

    private JwtTokenVerifier verifier() throws Exception {
        String pem = Files.readString(data().resolve("webadmin/jwt-public.pem"));
        return JwtTokenVerifier.create(new JwtConfiguration(List.of(pem)));
    }
}
