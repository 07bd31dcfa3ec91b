package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.Commands;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/**
 * WebAdmin is the administrator's, not every local user's and not a web page's: without the token it refuses
 * changes (as curl run by {@code nobody} sees it), it refuses browser requests (Origin) and foreign Host names
 * (DNS rebinding), sends no CORS headers, and {@code ./mailwright admin} works with the token of the data folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAdminSecurityIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).start();
        server.admin().addDomain("example.test").addUser("alice@example.test", "alice-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    @Test
    void theTokenIsReadableByTheServersUserOnly() throws Exception {
        Path token = server.data().resolve("webadmin/admin.token");
        assertThat(Files.getPosixFilePermissions(token))
            .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(server.data().resolve("webadmin/jwt-private.pem")))
            .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void anotherLocalUserCannotChangePasswordsOrAddForwards() {
        String base = server.webadminUrl();
        Commands.Result password = Commands.run(List.of("runuser", "-u", "nobody", "--", "curl", "-s", "-o", "/dev/null",
            "-w", "%{http_code}", "-X", "PUT", "-H", "Content-Type: application/json", "--data", "{\"password\":\"owned\"}",
            base + "/users/alice@example.test?force"));
        Commands.Result forward = Commands.run(List.of("runuser", "-u", "nobody", "--", "curl", "-s", "-o", "/dev/null",
            "-w", "%{http_code}", "-X", "PUT", base + "/address/forwards/alice@example.test/targets/thief@outside.test"));

        assertThat(password.output()).isEqualTo("401");
        assertThat(forward.output()).isEqualTo("401");
        assertThat(server.admin().getJson("/address/forwards").toString()).doesNotContain("alice@example.test");
    }

    @Test
    void readOnlyHealthAndMetricsNeedNoToken() {
        assertThat(server.admin().anonymous().call("GET", "/healthcheck")).isIn(200, 503);
        assertThat(server.admin().anonymous().call("GET", "/metrics")).isEqualTo(200);
        assertThat(server.admin().anonymous().call("GET", "/domains")).isEqualTo(401);
    }

    @Test
    void browserRequestsAreRefusedAndNoCorsHeaderIsSent() {
        HttpResponse<String> crossOrigin = server.admin().request("PUT", "/domains/evil.test", "Origin", "http://evil.example");
        HttpResponse<String> preflight = server.admin().anonymous().request("OPTIONS", "/domains/evil.test",
            "Origin", "http://evil.example", "Access-Control-Request-Method", "PUT");
        HttpResponse<String> plain = server.admin().request("GET", "/domains");

        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(server.admin().domainExists("evil.test")).isFalse();
        for (HttpResponse<String> response : List.of(crossOrigin, preflight, plain)) {
            assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        }
    }

    @Test
    void aForeignHostNameIsRefused() {
        // DNS rebinding: a name of the attacker's resolving to 127.0.0.1 reaches the port with its own Host header
        Commands.Result rebound = Commands.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", "Host: rebind.evil.example", server.webadminUrl() + "/healthcheck"));
        Commands.Result local = Commands.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", "Host: localhost", server.webadminUrl() + "/metrics"));

        assertThat(rebound.output()).isEqualTo("403");
        assertThat(local.output()).isEqualTo("200");
    }

    @Test
    void theAdminCommandUsesTheTokenOfTheDataFolder() {
        Map<String, String> environment = Map.of("MAILWRIGHT_WEBADMIN", server.webadminUrl(),
            "MAILWRIGHT_DATA", server.data().toString());

        Commands.Result added = Commands.run(List.of(script(), "admin", "domain", "add", "cli.example.test"), environment, null);
        Commands.Result withoutToken = Commands.run(List.of(script(), "admin", "domain", "list"),
            Map.of("MAILWRIGHT_WEBADMIN", server.webadminUrl(), "MAILWRIGHT_DATA", server.data().resolve("elsewhere").toString()), null);

        assertThat(added.exitCode()).as(added.output()).isZero();
        assertThat(server.admin().domainExists("cli.example.test")).isTrue();
        assertThat(withoutToken.exitCode()).isNotZero();
        assertThat(withoutToken.output()).contains("401").contains("token");
    }

    private static String script() {
        List<String> candidates = new ArrayList<>(List.of("../mailwright", "mailwright"));
        return candidates.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst()
            .map(path -> Path.of(path).toAbsolutePath().toString())
            .orElseThrow(() -> new IllegalStateException("the mailwright script is not found from " + Path.of("").toAbsolutePath()));
    }
}
