package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailwright.it.support.Commands;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.FreePorts;
import dev.mailwright.it.support.ShippedLogFormat;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * {@code ./mailwright admin} as an administrator meets it: help everywhere, precise errors (an invalid user name, an
 * unknown domain, a server that is down, a failed request), readable output, and no domain removal that would leave
 * accounts behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminCommandIT {
    DnsServer dns;
    TestServer server;
    Map<String, String> environment;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).start();
        server.admin().addDomain("example.test").addUser("alice@example.test", "alice-secret");
        environment = Map.of("MAILWRIGHT_WEBADMIN", server.webadminUrl(), "MAILWRIGHT_DATA", server.data().toString());
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    Commands.Result admin(String... arguments) {
        return adminWithInput(null, arguments);
    }

    Commands.Result adminWithInput(String stdin, String... arguments) {
        List<String> command = new ArrayList<>(List.of(script(), "admin"));
        command.addAll(List.of(arguments));
        return Commands.run(command, environment, stdin);
    }

    @Test
    void helpIsShownForAdminAndForEachArea() {
        for (Commands.Result help : List.of(admin("--help"), admin("domain", "--help"), admin("user", "-h"))) {
            assertThat(help.exitCode()).as(help.output()).isZero();
            assertThat(help.output()).contains("admin domain list | add DOMAIN | remove DOMAIN [--delete-users]");
        }
    }

    @Test
    void aDomainThatUsersOrAliasesHoldIsNotRemoved() {
        server.admin().addDomain("held.test").addUser("bob@held.test", "bob-secret").addAlias("sales@held.test", "bob@held.test");

        Commands.Result remove = admin("domain", "remove", "held.test");

        assertThat(remove.exitCode()).isEqualTo(1);
        assertThat(remove.output())
            .contains("domain held.test is still used by 1 user(s) and 1 alias(es)/forward(s)")
            .contains("user bob@held.test")
            .contains("Alias sales@held.test -> bob@held.test")
            .contains("Nothing was removed")
            .contains("--delete-users deletes these users with all their mailboxes and mail");
        assertThat(server.admin().domainExists("held.test")).isTrue();
        assertThat(server.admin().userExists("bob@held.test")).isTrue();
    }

    @Test
    void withDeleteUsersTheDomainGoesWithItsUsersTheirMailAndItsAliases() {
        server.admin().addDomain("closing.test").addUser("carol@closing.test", "carol-secret")
            .addAlias("info@closing.test", "carol@closing.test");
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("client.example.test");
            assertThat(client.send("someone@elsewhere.test", List.of("carol@closing.test"),
                SmtpClient.message("someone@elsewhere.test", "carol@closing.test", "old mail", "body")).code()).isEqualTo(250);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> server.admin().messageCount("carol@closing.test", "INBOX") == 1);

        Commands.Result remove = admin("domain", "remove", "closing.test", "--delete-users");

        assertThat(remove.exitCode()).as(remove.output()).isZero();
        assertThat(remove.output()).contains("deleted user carol@closing.test with all its mailboxes and mail")
            .contains("removed Alias info@closing.test -> carol@closing.test")
            .contains("domain closing.test removed");
        assertThat(server.admin().domainExists("closing.test")).isFalse();
        assertThat(server.admin().userExists("carol@closing.test")).isFalse();
        assertThat(server.admin().getJson("/address/aliases").toString()).doesNotContain("carol@closing.test");
        // a new account of the same address starts empty
        server.admin().addDomain("closing.test").addUser("carol@closing.test", "new-carol");
        assertThat(server.admin().messageCount("carol@closing.test", "INBOX")).isZero();
    }

    @Test
    void anInvalidUserNameIsReportedAsInvalidNotAsAServerThatIsDown() {
        Commands.Result add = adminWithInput("secret\n", "user", "add", "alice smith@example.test");

        assertThat(add.exitCode()).isEqualTo(1);
        assertThat(add.output()).contains("Username supplied is invalid").contains("should not contain")
            .doesNotContain("cannot reach");
    }

    @Test
    void aUserOfAnUnknownDomainIsRefusedWithTheReasonAndWebAdminLogsOneLine() {
        Commands.Result add = adminWithInput("secret\n", "user", "add", "nobody@unknown.test");

        assertThat(add.exitCode()).isEqualTo(1);
        assertThat(add.output()).contains("unknown.test is not a local domain of this server: add it first "
            + "(./mailwright admin domain add unknown.test)");

        // WebAdmin itself, asked directly, logs the refusal at INFO: with the shipped logging pattern, one line
        Logger routes = (Logger) LoggerFactory.getLogger("org.apache.james.webadmin.routes.UserRoutes");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        Level level = routes.getLevel();
        routes.setLevel(Level.INFO);
        routes.addAppender(events);
        try {
            assertThatThrownBy(() -> server.admin().addUser("nobody@unknown.test", "secret")).hasMessageContaining("400");
        } finally {
            routes.detachAppender(events);
            routes.setLevel(level);
        }
        assertThat(events.list).singleElement().satisfies(event -> {
            String formatted = ShippedLogFormat.of(server.conf()).format(event);
            assertThat(formatted.strip()).doesNotContain("\n")
                .contains("Invalid username (InvalidUsernameException: Domain does not exist in DomainList)");
        });
    }

    @Test
    void anExistingDomainIsNotAddedAgain() {
        Commands.Result add = admin("domain", "add", "example.test");

        assertThat(add.exitCode()).isEqualTo(1);
        assertThat(add.output()).contains("domain example.test already exists").doesNotContain("added");
    }

    @Test
    void aUserWithoutForwardsHasAnEmptyList() {
        Commands.Result forwards = admin("forward", "list", "alice@example.test");

        assertThat(forwards.exitCode()).as(forwards.output()).isZero();
        assertThat(forwards.output().strip()).isEqualTo("mailwright: alice@example.test has no forwards");
    }

    @Test
    void healthAndRepositoriesAreReadableLines() {
        Commands.Result health = admin("health");
        Commands.Result repositories = admin("repository", "list");

        assertThat(health.exitCode()).as(health.output()).isZero();
        assertThat(health.output()).startsWith("server: healthy").contains("  healthy    Provisioning").doesNotContain("{");
        assertThat(repositories.exitCode()).as(repositories.output()).isZero();
        assertThat(repositories.output()).containsPattern("(?m)^var/mail/error +0 mails$").doesNotContain("{");
        assertThat(admin("repository", "show", "jpa://var/mail/error/").exitCode()).isZero();
    }

    @Test
    void aServerThatIsDownAndAFailedRequestAreTwoDifferentThings() {
        Map<String, String> down = Map.of("MAILWRIGHT_WEBADMIN", "http://127.0.0.1:" + FreePorts.next(),
            "MAILWRIGHT_DATA", server.data().toString());
        // an SMTP server where WebAdmin should be: reached, but its answer is no HTTP
        Map<String, String> notWebAdmin = Map.of("MAILWRIGHT_WEBADMIN", "http://127.0.0.1:" + server.port(25),
            "MAILWRIGHT_DATA", server.data().toString());

        Commands.Result unreachable = Commands.run(List.of(script(), "admin", "domain", "list"), down, null);
        Commands.Result failed = Commands.run(List.of(script(), "admin", "domain", "list"), notWebAdmin, null);

        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.output()).contains("cannot reach WebAdmin").contains("is the server running");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.output()).contains("GET /domains: the request to WebAdmin at").doesNotContain("is the server running");
    }

    static String script() {
        return List.of("../mailwright", "mailwright").stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst()
            .map(path -> Path.of(path).toAbsolutePath().toString())
            .orElseThrow(() -> new IllegalStateException("the mailwright script is not found from " + Path.of("").toAbsolutePath()));
    }
}
