package dev.mailwright.mailets.delivery.nexthop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import dev.mailwright.common.dns.FakeDns;

/** The resolver's decisions against DNS answers of the lookup layer. */
class NextHopResolverTest {
    private final FakeDns dns = new FakeDns();
    private final NextHopResolver resolver = new NextHopResolver(dns);

    @Test
    void mxHostsComeInPreferenceOrder() throws Exception {
        dns.mx("example.test", 20, "backup.example.test").mx("example.test", 10, "primary.example.test");
        assertThat(resolver.mxHosts("example.test").hosts()).containsExactly("primary.example.test", "backup.example.test");
    }

    @Test
    void aDomainWithoutMxIsItsOwnMailHost() throws Exception {
        dns.a("plain.test", "192.0.2.7");
        assertThat(resolver.mxHosts("plain.test").hosts()).containsExactly("plain.test");
    }

    @Test
    void aNullMxFailsPermanentlyWith5110() {
        dns.nullMx("nomail.test");
        assertThatThrownBy(() -> resolver.mxHosts("nomail.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().oneLine()).startsWith("556 5.1.10"));
    }

    @Test
    void aDomainThatDoesNotExistFailsPermanentlyAndAResolverFailureTemporarily() {
        assertThatThrownBy(() -> resolver.mxHosts("nowhere.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().status()).isEqualTo("5.1.2"));
        dns.failing("broken.test");
        assertThatThrownBy(() -> resolver.mxHosts("broken.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().status()).isEqualTo("4.4.3"));
    }

    @Test
    void addressesAreIpv6FirstAndAFailedAaaaDoesNotHideTheIpv4Address() throws Exception {
        dns.aaaa("dual.test", "2001:db8::25").a("dual.test", "192.0.2.25");
        assertThat(resolver.addresses("dual.test").addresses()).extracting(InetAddress::getHostAddress)
            .containsExactly("2001:db8:0:0:0:0:0:25", "192.0.2.25");

        dns.a("v4only.test", "192.0.2.4").failing("v4only.test", Type.AAAA);
        assertThat(resolver.addresses("v4only.test").addresses()).extracting(InetAddress::getHostAddress)
            .containsExactly("192.0.2.4");

        dns.failing("gone.test");
        assertThatThrownBy(() -> resolver.addresses("gone.test")).isInstanceOf(DeliveryFailure.class);
        assertThat(resolver.addresses("nothing.test").addresses()).isEmpty();
    }

    @Test
    void answersCarryTheirDnssecStatus() throws Exception {
        dns.mx("signed.test", 10, "mx.signed.test").a("mx.signed.test", "192.0.2.30").secure("signed.test");
        dns.mx("plain.test", 10, "mx.plain.test").a("mx.plain.test", "192.0.2.31");
        assertThat(resolver.mxHosts("signed.test").secure()).isTrue();
        assertThat(resolver.addresses("mx.signed.test").secure()).isTrue();
        assertThat(resolver.mxHosts("plain.test").secure()).isFalse();
        assertThat(resolver.addresses("mx.plain.test").secure()).isFalse();
    }
}
