package dev.mailwright.server.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.builder.FileBasedConfigurationBuilder;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.metrics.api.MetricFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.dnssec.ValidatingResolver;

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

    @Test
    void dnssecIsOffByDefaultAndTheOtherModesAreCheckedAtStart(@TempDir Path directory) throws Exception {
        ConfiguredDnsService plain = service("<servers><server>127.0.0.1:5353</server></servers>");
        assertThat(plain.trustsAuthenticatedData()).isFalse();
        assertThat(plain.resolver()).isInstanceOf(ExtendedResolver.class);

        assertThatThrownBy(() -> service("<servers><server>127.0.0.1:5353</server></servers><dnssec>maybe</dnssec>"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("off, validate or resolver");
        assertThatThrownBy(() -> service("<servers><server>192.0.2.53</server></servers><dnssec>resolver</dnssec>"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("only safe for a validating resolver on this machine");
        assertThatThrownBy(() -> service("<servers><server>127.0.0.1</server></servers><dnssec>validate</dnssec>"
            + "<trustAnchors>" + directory.resolve("missing.ds") + "</trustAnchors>"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs trust anchors");

        Path anchors = Files.writeString(directory.resolve("root.ds"),
            ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n");
        ConfiguredDnsService validating = service("<servers><server>127.0.0.1</server></servers><dnssec>validate</dnssec>"
            + "<trustAnchors>" + anchors + "</trustAnchors>");
        assertThat(validating.resolver()).isInstanceOf(ValidatingResolver.class);
        assertThat(validating.trustsAuthenticatedData()).isTrue();
        assertThat(service("<servers><server>127.0.0.1:5353</server></servers><dnssec>resolver</dnssec>")
            .trustsAuthenticatedData()).isTrue();
    }

    private static ConfiguredDnsService service(String xml) throws Exception {
        ConfiguredDnsService service = new ConfiguredDnsService(Mockito.mock(MetricFactory.class));
        FileBasedConfigurationBuilder<XMLConfiguration> builder = new FileBasedConfigurationBuilder<>(XMLConfiguration.class);
        XMLConfiguration configuration = builder.getConfiguration();
        new FileHandler(configuration).load(new StringReader("<dnsservice><autodiscover>false</autodiscover>" + xml + "</dnsservice>"));
        service.configure(configuration);
        service.init();
        return service;
    }
}
