package dev.mailwright.it.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.FakeMx;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestCertificates;
import dev.mailwright.it.support.TestServer;

/**
 * DANE for SMTP (RFC 7672) end to end: the test DNS serves a DNSSEC-signed zone {@code dane.test} whose key the
 * server under test has as its trust anchor ({@code <dnssec>validate</dnssec>}: dnsjava's validating resolver), and
 * MX hosts on loopback present certificates that match their TLSA records or not. The server does not trust the test
 * CA: whatever is verified is verified by DANE. Unsigned zones keep the usual opportunistic TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaneIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    DnsServer dns;
    TestServer server;
    FakeMx matching;
    FakeMx mismatching;
    FakeMx authority;
    FakeMx clearOnly;
    FakeMx withoutTlsa;
    FakeMx unsigned;
    FakeMx forged;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        TestCertificates ca = TestCertificates.authority();
        TestCertificates.Identity good = ca.serverIdentity("mx.good.dane.test");
        TestCertificates.Identity bad = ca.serverIdentity("mx.bad.dane.test");
        TestCertificates.Identity other = ca.serverIdentity("somewhere.else.test");
        matching = FakeMx.start("127.0.0.81").starttls(good.context());
        mismatching = FakeMx.start("127.0.0.82").starttls(bad.context());
        authority = FakeMx.start("127.0.0.83").starttls(ca.serverContext("mx.ta.dane.test"));
        clearOnly = FakeMx.start("127.0.0.84");
        withoutTlsa = FakeMx.start("127.0.0.85").starttls(ca.serverContext("mx.plain.dane.test"));
        unsigned = FakeMx.start("127.0.0.86").starttls(ca.serverContext("mx.unsigned.test"));
        TestCertificates.Identity attacker = ca.serverIdentity("mx.forged.dane.test");
        forged = FakeMx.start("127.0.0.87").starttls(attacker.context());

        dns = DnsServer.start().signedZone("dane.test");
        mx("good.dane.test", matching).add(tlsa("_25._tcp.mx.good.dane.test", 3, 1, 1, spki(good)));
        // published: the key of another certificate; presented: its own
        mx("bad.dane.test", mismatching).add(tlsa("_25._tcp.mx.bad.dane.test", 3, 1, 1, spki(other)));
        mx("ta.dane.test", authority).add(tlsa("_25._tcp.mx.ta.dane.test", 2, 0, 1, sha256(ca.certificate().getEncoded())));
        mx("notls.dane.test", clearOnly).add(tlsa("_25._tcp.mx.notls.dane.test", 3, 1, 1, spki(good)));
        mx("plain.dane.test", withoutTlsa);
        // an attacker on the path changes the TLSA answer to match its own certificate: the signature no longer fits
        mx("forged.dane.test", forged).add(tlsa("_25._tcp.mx.forged.dane.test", 3, 1, 1, flipped(spki(attacker))));
        dns.forgeTlsa("_25._tcp.mx.forged.dane.test");
        // an unsigned zone: a TLSA record there means nothing (it could be forged)
        dns.mx("unsigned.test", 10, "mx.unsigned.test").a("mx.unsigned.test", unsigned.address())
            .add(tlsa("_25._tcp.mx.unsigned.test", 3, 1, 1, spki(other)));

        server = TestServer.create(directory.resolve("server"), dns)
            .dnssec(dns.trustAnchor("dane.test"))
            .fastRetries("1s", 30)
            .outboundParameter("connectTimeout", "2s")
            .outboundParameter("readTimeout", "2s")
            .start();
        server.admin().addDomain("example.test");
    }

    @AfterAll
    void stop() {
        server.close();
        for (AutoCloseable closeable : new AutoCloseable[] {matching, mismatching, authority, clearOnly, withoutTlsa, unsigned, forged, dns}) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    @Test
    void aCertificateMatchingTheDaneEeRecordIsUsedAndTheTraceSaysSo() {
        String messageId = send("alice@example.test", "bob@good.dane.test", "DANE-EE match");

        await().atMost(WAIT).until(() -> matching.receivedWith("Subject: DANE-EE match").size() == 1);
        assertThat(matching.receivedWith("Subject: DANE-EE match").get(0).tls()).isTrue();
        JsonNode trace = trace(messageId, "delivered");
        System.out.println("DANE trace (DANE-EE match): " + trace);
        assertThat(trace.path("tlsPolicy").asText())
            .isEqualTo("DANE: 1 usable TLSA record at _25._tcp.mx.good.dane.test (DNSSEC-validated), TLS required");
        assertThat(trace.path("certificate").asText()).startsWith("dane: DANE-EE TLSA 3 1 1 ").endsWith("matched the server certificate");
        assertThat(trace.path("tls").asText()).startsWith("TLSv1.");
    }

    @Test
    void aCertificateMatchingNoRecordDefersTheMailAndNothingIsSent() {
        String messageId = send("alice@example.test", "bob@bad.dane.test", "DANE mismatch");

        JsonNode trace = trace(messageId, "deferred");
        System.out.println("DANE trace (mismatch): " + trace);
        assertThat(trace.path("reply").asText()).startsWith("451 4.7.5 DANE: TLS with mx.bad.dane.test[127.0.0.82]:25 failed: "
            + "DANE: the certificate of the server matches none of its TLSA records [3 1 1 ");
        assertThat(trace.path("tlsPolicy").asText()).startsWith("DANE: 1 usable TLSA record at _25._tcp.mx.bad.dane.test");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> mismatching.receivedWith("Subject: DANE mismatch").isEmpty());
        assertThat(server.admin().getJson("/deliveries/deferred").findValuesAsText("destination")).contains("bad.dane.test");
    }

    @Test
    void aChainToTheDaneTaAuthorityNamingTheMxHostIsAccepted() {
        String messageId = send("alice@example.test", "bob@ta.dane.test", "DANE-TA match");

        await().atMost(WAIT).until(() -> authority.receivedWith("Subject: DANE-TA match").size() == 1);
        JsonNode trace = trace(messageId, "delivered");
        assertThat(trace.path("certificate").asText()).startsWith("dane: DANE-TA TLSA 2 0 1 ")
            .contains("CN=Mailwright Test CA").contains("names mx.ta.dane.test or ta.dane.test");
    }

    @Test
    void aDaneHostWithoutStarttlsGetsNothingInClearText() {
        String messageId = send("alice@example.test", "bob@notls.dane.test", "DANE without STARTTLS");

        JsonNode trace = trace(messageId, "deferred");
        assertThat(trace.path("reply").asText()).isEqualTo("451 4.7.4 TLS required but mx.notls.dane.test[127.0.0.84]:25 does not offer STARTTLS");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> clearOnly.receivedWith("Subject: DANE without STARTTLS").isEmpty());
    }

    @Test
    void aSignedZoneWithoutTlsaAndAnUnsignedZoneKeepOpportunisticTls() {
        String signedId = send("alice@example.test", "bob@plain.dane.test", "Signed without TLSA");
        String unsignedId = send("alice@example.test", "bob@unsigned.test", "Unsigned zone");

        await().atMost(WAIT).until(() -> withoutTlsa.receivedWith("Subject: Signed without TLSA").size() == 1
            && unsigned.receivedWith("Subject: Unsigned zone").size() == 1);
        assertThat(trace(signedId, "delivered").path("tlsPolicy").asText())
            .isEqualTo("opportunistic TLS; no DANE: no TLSA record at _25._tcp.mx.plain.dane.test (DNSSEC-validated)");
        JsonNode unsignedTrace = trace(unsignedId, "delivered");
        assertThat(unsignedTrace.path("tlsPolicy").asText())
            .isEqualTo("opportunistic TLS; no DANE: the MX answer of unsigned.test is not DNSSEC-validated");
        // the server does not trust the test CA: without DANE the certificate stays unverified, and the mail goes
        assertThat(unsignedTrace.path("certificate").asText()).startsWith("unverified (");
    }

    @Test
    void aForgedTlsaAnswerIsRefusedByValidationAndTheHostIsNotUsed() {
        String messageId = send("alice@example.test", "bob@forged.dane.test", "Forged TLSA");

        JsonNode trace = trace(messageId, "deferred");
        System.out.println("DANE trace (forged TLSA): " + trace);
        assertThat(trace.path("reply").asText()).startsWith("451 4.7.5 DANE: the TLSA lookup of _25._tcp.mx.forged.dane.test failed (")
            .endsWith("); the host is not used");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> forged.connections() == 0);
    }

    private DnsServer mx(String domain, FakeMx host) {
        return dns.mx(domain, 10, "mx." + domain).a("mx." + domain, host.address());
    }

    private String send(String sender, String recipient, String subject) {
        String messageId = "<" + subject.replace(' ', '-').toLowerCase() + "." + System.nanoTime() + "@example.test>";
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("localhost");
            Reply reply = client.send(sender, List.of(recipient), "From: <" + sender + ">\r\nTo: <" + recipient
                + ">\r\nSubject: " + subject + "\r\nMessage-ID: " + messageId + "\r\n\r\nbody\r\n");
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
        return messageId;
    }

    /** The first trace of the message with this result (traces are written just after the remote's reply). */
    private JsonNode trace(String messageId, String result) {
        await().atMost(WAIT).until(() -> server.admin().deliveryTraces(messageId).findValuesAsText("result").contains(result));
        for (JsonNode trace : server.admin().deliveryTraces(messageId)) {
            if (trace.path("result").asText().equals(result)) {
                return trace;
            }
        }
        throw new IllegalStateException("no " + result + " trace");
    }

    private static byte[] spki(TestCertificates.Identity identity) throws Exception {
        return sha256(identity.certificate().getPublicKey().getEncoded());
    }

    private static byte[] flipped(byte[] data) {
        byte[] copy = data.clone();
        copy[0] ^= 1;
        return copy;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static TLSARecord tlsa(String name, int usage, int selector, int matching, byte[] data) throws Exception {
        System.out.println("TLSA " + name + " " + usage + " " + selector + " " + matching + " " + HexFormat.of().formatHex(data));
        return new TLSARecord(Name.fromString(name + "."), DClass.IN, 0, usage, selector, matching, data);
    }
}
