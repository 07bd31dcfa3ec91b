package dev.mailwright.mailets.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mailwright.mailets.delivery.smtp.TestCertificates.Issued;

/** RFC 7672 3: which certificates a host's TLSA records accept. */
class DaneCheckTest {
    private static final List<String> NAMES = List.of("mx.dane.test", "dane.test");

    @Test
    void daneEeMatchesTheServerKeyWithoutLookingAtItsNameOrDates() throws Exception {
        Issued expired = TestCertificates.server("whatever.invalid", null, Duration.ofDays(-30));
        Tlsa spki = new Tlsa(3, 1, 1, TestCertificates.sha256(expired.certificate().getPublicKey().getEncoded()));
        DaneCheck check = new DaneCheck(List.of(spki), NAMES);

        check.check(new X509Certificate[] {expired.certificate()});

        assertThat(check.verdict()).startsWith("dane: DANE-EE TLSA 3 1 1 ").endsWith("matched the server certificate");
        Tlsa full = new Tlsa(3, 0, 0, expired.certificate().getEncoded());
        new DaneCheck(List.of(full), NAMES).check(new X509Certificate[] {expired.certificate()});
    }

    @Test
    void aCertificateThatMatchesNoRecordFailsTheHandshake() throws Exception {
        Issued published = TestCertificates.server("mx.dane.test", null, Duration.ofDays(2));
        Issued presented = TestCertificates.server("mx.dane.test", null, Duration.ofDays(2));
        DaneCheck check = new DaneCheck(List.of(new Tlsa(3, 1, 1,
            TestCertificates.sha256(published.certificate().getPublicKey().getEncoded()))), NAMES);

        assertThatThrownBy(() -> check.check(new X509Certificate[] {presented.certificate()}))
            .isInstanceOf(CertificateException.class).hasMessageStartingWith("DANE: the certificate of the server matches none");
        assertThat(check.verdict()).startsWith("DANE: the certificate of the server matches none of its TLSA records [3 1 1 ");
    }

    @Test
    void daneTaAcceptsAChainToTheMatchedAuthorityThatNamesTheHost() throws Exception {
        Issued authority = TestCertificates.authority("Org B CA");
        Issued server = TestCertificates.server("mx.dane.test", authority, Duration.ofDays(2));
        Tlsa ta = new Tlsa(2, 0, 1, TestCertificates.sha256(authority.certificate().getEncoded()));

        DaneCheck check = new DaneCheck(List.of(ta), NAMES);
        check.check(new X509Certificate[] {server.certificate(), authority.certificate()});
        assertThat(check.verdict()).contains("DANE-TA TLSA 2 0 1").contains("CN=Org B CA");

        Issued other = TestCertificates.server("mx.elsewhere.test", authority, Duration.ofDays(2));
        assertThatThrownBy(() -> new DaneCheck(List.of(ta), NAMES).check(new X509Certificate[] {other.certificate(), authority.certificate()}))
            .hasMessageContaining("names [mx.elsewhere.test], not [mx.dane.test, dane.test]");

        Issued stranger = TestCertificates.authority("Someone else");
        Issued forged = TestCertificates.server("mx.dane.test", stranger, Duration.ofDays(2));
        assertThatThrownBy(() -> new DaneCheck(List.of(ta), NAMES).check(new X509Certificate[] {forged.certificate(), authority.certificate()}))
            .hasMessageContaining("does not validate to the DANE-TA anchor");
    }

    @Test
    void pkixUsagesAreIgnoredForSmtp() throws Exception {
        Issued server = TestCertificates.server("mx.dane.test", null, Duration.ofDays(2));
        Tlsa pkixEe = new Tlsa(1, 1, 1, TestCertificates.sha256(server.certificate().getPublicKey().getEncoded()));
        assertThat(pkixEe.usable()).isFalse();
        assertThatThrownBy(() -> new DaneCheck(List.of(pkixEe), NAMES).check(new X509Certificate[] {server.certificate()}))
            .isInstanceOf(CertificateException.class);
    }
}
