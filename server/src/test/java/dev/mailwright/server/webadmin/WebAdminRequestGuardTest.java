package dev.mailwright.server.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class WebAdminRequestGuardTest {
    private final WebAdminRequestGuard guard = new WebAdminRequestGuard(Set.of("localhost", "127.0.0.1", "admin.example.com"));

    @Test
    void hostNameDropsThePort() {
        assertThat(WebAdminRequestGuard.hostName("127.0.0.1:8000")).isEqualTo("127.0.0.1");
        assertThat(WebAdminRequestGuard.hostName("LocalHost:8000")).isEqualTo("localhost");
        assertThat(WebAdminRequestGuard.hostName("[::1]:8000")).isEqualTo("[::1]");
        assertThat(WebAdminRequestGuard.hostName("evil.example")).isEqualTo("evil.example");
        assertThat(WebAdminRequestGuard.hostName(null)).isNull();
    }

    @Test
    void loopbackAddressesAndConfiguredNamesAreAllowed() {
        assertThat(guard.isAllowedHost("127.0.0.1")).isTrue();
        assertThat(guard.isAllowedHost("127.0.0.2")).isTrue();
        assertThat(guard.isAllowedHost("[::1]")).isTrue();
        assertThat(guard.isAllowedHost("localhost")).isTrue();
        assertThat(guard.isAllowedHost("admin.example.com")).isTrue();
    }

    @Test
    void otherNamesAndAddressesAreRefused() {
        assertThat(guard.isAllowedHost("evil.example")).isFalse();
        assertThat(guard.isAllowedHost("localhost.evil.example")).isFalse();
        assertThat(guard.isAllowedHost("10.0.0.1")).isFalse();
        assertThat(guard.isAllowedHost("")).isFalse();
        assertThat(guard.isAllowedHost(null)).isFalse();
    }
}
