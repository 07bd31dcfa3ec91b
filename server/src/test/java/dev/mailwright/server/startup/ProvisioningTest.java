package dev.mailwright.server.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisioningTest {
    @TempDir
    Path directory;

    @Test
    void noVariablesAskForNothing() throws Exception {
        Provisioning provisioning = Provisioning.fromEnvironment(Map.of(), "postmaster@mx.example.test");

        assertThat(provisioning.isEmpty()).isTrue();
    }

    @Test
    void domainsAreSeparatedByCommasOrSpaces() throws Exception {
        Provisioning provisioning = Provisioning.fromEnvironment(
            Map.of("MAILWRIGHT_DOMAINS", " example.com, example.org  Other.NET,"), "postmaster@mx.example.test");

        assertThat(provisioning.domains()).containsExactly(Domain.of("example.com"), Domain.of("example.org"), Domain.of("other.net"));
        assertThat(provisioning.postmaster()).isEmpty();
    }

    @Test
    void aWrongDomainIsNamed() {
        assertThatThrownBy(() -> Provisioning.fromEnvironment(Map.of("MAILWRIGHT_DOMAINS", "example.com,exa$mple.org"), "postmaster@mx.example.test"))
            .isInstanceOf(StartupProblem.class)
            .hasMessageStartingWith("MAILWRIGHT_DOMAINS: 'exa$mple.org' is not a domain name");
    }

    @Test
    void thePostmasterPasswordComesFromTheFileWithoutItsLineBreak() throws Exception {
        Path secret = Files.writeString(directory.resolve("secret"), "s3cret with spaces \n");

        Provisioning provisioning = Provisioning.fromEnvironment(
            Map.of("MAILWRIGHT_POSTMASTER_PASSWORD_FILE", secret.toString()), "postmaster@example.com");

        assertThat(provisioning.postmaster()).hasValueSatisfying(postmaster -> {
            assertThat(postmaster.address()).isEqualTo(Username.of("postmaster@example.com"));
            assertThat(postmaster.password()).isEqualTo("s3cret with spaces ");
            assertThat(postmaster.toString()).doesNotContain("s3cret");
        });
    }

    @Test
    void aMissingOrEmptyPasswordFileStopsTheStart() throws Exception {
        Path missing = directory.resolve("missing");
        assertThatThrownBy(() -> Provisioning.fromEnvironment(Map.of("MAILWRIGHT_POSTMASTER_PASSWORD_FILE", missing.toString()), "postmaster@example.com"))
            .isInstanceOf(StartupProblem.class)
            .hasMessageContaining("cannot read the postmaster password file " + missing)
            .hasMessageContaining("no such file");

        Path empty = Files.writeString(directory.resolve("empty"), "\n");
        assertThatThrownBy(() -> Provisioning.fromEnvironment(Map.of("MAILWRIGHT_POSTMASTER_PASSWORD_FILE", empty.toString()), "postmaster@example.com"))
            .isInstanceOf(StartupProblem.class)
            .hasMessage("the postmaster password file " + empty + " is empty");
    }

    @Test
    void aPostmasterWithoutDomainCannotGetAnAccount() throws Exception {
        Path secret = Files.writeString(directory.resolve("secret"), "s3cret");

        assertThatThrownBy(() -> Provisioning.fromEnvironment(Map.of("MAILWRIGHT_POSTMASTER_PASSWORD_FILE", secret.toString()), "postmaster"))
            .isInstanceOf(StartupProblem.class)
            .hasMessageStartingWith("the postmaster 'postmaster' is not a mail address");
    }
}
