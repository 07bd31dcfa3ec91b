package dev.mailwright.mailets.delivery.nexthop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.common.store.InMemoryStateStore;
import dev.mailwright.mailets.delivery.smtp.Peer;
import dev.mailwright.mailets.delivery.smtp.TlsPolicy.Level;
import dev.mailwright.mailets.routing.Route;

/** The TLS policy each next hop gets under DANE (RFC 7672), against DNS answers with their DNSSEC status. */
class NextHopsDaneTest {
    private final FakeDns dns = new FakeDns();
    private final Map<String, String> policies = new java.util.HashMap<>();
    private final NextHops nextHops = new NextHops(new NextHopResolver(dns),
        new MtaStsPolicies(new InMemoryStateStore(), domain -> Optional.ofNullable(policies.get(domain))
            .orElseThrow(() -> new java.io.IOException("no policy")), dns), dns, true);

    @Test
    void aValidatedHostWithUsableTlsaRecordsIsDane() throws Exception {
        dns.secure("dane.test").mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "192.0.2.80")
            .add(tlsa("_25._tcp.mx.dane.test", 3, 1, 1)).add(tlsa("_25._tcp.mx.dane.test", 1, 1, 1));

        Peer peer = nextHops.plan(Route.MX_DEFAULT, "dane.test").get(0);

        assertThat(peer.tls().level()).isEqualTo(Level.DANE);
        assertThat(peer.tls().tlsa()).hasSize(2);
        assertThat(peer.tls().referenceNames()).containsExactly("mx.dane.test", "dane.test");
        assertThat(peer.tls().decision())
            .isEqualTo("DANE: 1 usable TLSA record at _25._tcp.mx.dane.test (DNSSEC-validated), TLS required");
    }

    @Test
    void onlyUnusableRecordsMeanEncryptionWithoutAuthentication() throws Exception {
        dns.secure("dane.test").mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "192.0.2.80")
            .add(tlsa("_25._tcp.mx.dane.test", 0, 0, 1));
        assertThat(nextHops.plan(Route.MX_DEFAULT, "dane.test").get(0).tls().level()).isEqualTo(Level.ENCRYPT);
    }

    @Test
    void withoutValidatedAnswersOrTlsaRecordsTodaysPolicyAppliesAndTheTraceSaysWhy() throws Exception {
        dns.secure("dane.test").mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "192.0.2.80")
            // an unsigned zone: its TLSA records mean nothing
            .mx("plain.test", 10, "mx.plain.test").a("mx.plain.test", "192.0.2.81").add(tlsa("_25._tcp.mx.plain.test", 3, 1, 1));

        assertThat(nextHops.plan(Route.MX_DEFAULT, "dane.test").get(0).tls())
            .satisfies(tls -> assertThat(tls.level()).isEqualTo(Level.MAY))
            .satisfies(tls -> assertThat(tls.decision()).isEqualTo(
                "opportunistic TLS; no DANE: no TLSA record at _25._tcp.mx.dane.test (DNSSEC-validated)"));
        assertThat(nextHops.plan(Route.MX_DEFAULT, "plain.test").get(0).tls().decision())
            .isEqualTo("opportunistic TLS; no DANE: the MX answer of plain.test is not DNSSEC-validated");
        assertThat(dns.questions()).doesNotContain("_25._tcp.mx.plain.test TLSA");

        FakeDns unvalidated = new FakeDns();
        unvalidated.mx("plain.test", 10, "mx.plain.test").a("mx.plain.test", "192.0.2.81");
        NextHops withoutDnssec = new NextHops(new NextHopResolver(unvalidated),
            new MtaStsPolicies(new InMemoryStateStore(), domain -> "", unvalidated), unvalidated, false);
        assertThat(withoutDnssec.plan(Route.MX_DEFAULT, "plain.test").get(0).tls().decision()).isEqualTo("opportunistic TLS");
    }

    @Test
    void aFailedTlsaLookupMakesTheHostUnusableNeverClearText() throws Exception {
        dns.secure("dane.test").mx("dane.test", 10, "mx1.dane.test").mx("dane.test", 20, "mx2.dane.test")
            .a("mx1.dane.test", "192.0.2.81").a("mx2.dane.test", "192.0.2.82")
            .failing("_25._tcp.mx1.dane.test", Type.TLSA).add(tlsa("_25._tcp.mx2.dane.test", 3, 1, 1));

        List<Peer> peers = nextHops.plan(Route.MX_DEFAULT, "dane.test");
        assertThat(peers).extracting(Peer::host).containsExactly("mx2.dane.test");

        dns.failing("_25._tcp.mx2.dane.test", Type.TLSA);
        assertThatThrownBy(() -> nextHops.plan(Route.MX_DEFAULT, "dane.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().oneLine()).startsWith("451 4.7.5 DANE: the TLSA lookup of _25._tcp.mx2.dane.test failed"));
    }

    @Test
    void daneTakesPrecedenceOverMtaSts() throws Exception {
        policies.put("both.test", "version: STSv1\nmode: enforce\nmx: mx2.both.test\nmax_age: 86400\n");
        dns.secure("both.test").txt("_mta-sts.both.test", "v=STSv1; id=1")
            .mx("both.test", 10, "mx1.both.test").mx("both.test", 20, "mx2.both.test").mx("both.test", 30, "mx3.both.test")
            .a("mx1.both.test", "192.0.2.91").a("mx2.both.test", "192.0.2.92").a("mx3.both.test", "192.0.2.93")
            .add(tlsa("_25._tcp.mx1.both.test", 3, 1, 1));

        List<Peer> peers = nextHops.plan(Route.MX_DEFAULT, "both.test");

        // mx1: not in the MTA-STS policy but DANE; mx2: MTA-STS; mx3: neither, dropped by the enforce policy
        assertThat(peers).extracting(peer -> peer.host() + " " + peer.tls().level())
            .containsExactly("mx1.both.test DANE", "mx2.both.test VERIFY");
        assertThat(peers.get(1).tls().decision()).startsWith("MTA-STS enforce (mx mx2.both.test); no DANE: no TLSA record");
    }

    @Test
    void aRouteWithoutTlsNeverLooksForTlsa() throws Exception {
        dns.secure("dane.test").mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "192.0.2.80")
            .add(tlsa("_25._tcp.mx.dane.test", 3, 1, 1));
        Route none = Route.parse("mx", Map.of("tls", "none"));
        assertThat(nextHops.plan(none, "dane.test").get(0).tls().level()).isEqualTo(Level.NONE);
        assertThat(dns.questions()).doesNotContain("_25._tcp.mx.dane.test TLSA");
    }

    private static TLSARecord tlsa(String name, int usage, int selector, int matching) throws Exception {
        return new TLSARecord(Name.fromString(name + "."), DClass.IN, 300, usage, selector, matching, new byte[32]);
    }
}
