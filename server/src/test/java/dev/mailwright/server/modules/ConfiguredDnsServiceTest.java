package dev.mailwright.server.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;

class ConfiguredDnsServiceTest {
    @Test
    void serversMayCarryAPort() throws Exception {
        assertThat(ConfiguredDnsService.parseServer("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(ConfiguredDnsService.parseServer("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThat(ConfiguredDnsService.parseServer("9.9.9.9")).isEqualTo(new InetSocketAddress("9.9.9.9", 53));
    }

    @Test
    void garbageIsAConfigurationError() {
        assertThatThrownBy(() -> ConfiguredDnsService.parseServer("127.0.0.1:notaport"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("is not a DNS server address");
    }
}
