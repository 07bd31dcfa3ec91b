package dev.mailwright.mailets.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.common.testing.TestClock;
import dev.mailwright.mailets.dkim.DkimAlgorithm;
import dev.mailwright.mailets.dkim.DkimKey;
import dev.mailwright.mailets.dkim.DkimKeyStore;
import dev.mailwright.mailets.dns.RecordCheck.Status;

class RecordCheckTest {
    private static final String HOST = "mail.example.com";
    @TempDir
    Path directory;
    private final FakeDns dns = new FakeDns();

    @Test
    void theRecordsOfADomainAreMxSpfDkimDmarcMtaStsAndTlsRpt() {
        DkimKey key = new DkimKeyStore(directory, new TestClock()).generate("example.com", DkimAlgorithm.RSA).get(0);

        List<DnsRecord> records = MailDomainRecords.of("example.com", HOST, List.of(key));

        assertThat(records).extracting(DnsRecord::purpose)
            .containsExactly("mx", "host", "spf", "dkim", "dmarc", "mta-sts-host", "mta-sts", "tls-rpt");
        assertThat(records).extracting(DnsRecord::zoneLine).contains(
            "example.com.                             MX     10 mail.example.com.",
            "example.com.                             TXT    \"v=spf1 mx -all\"",
            "_dmarc.example.com.                      TXT    \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.com\"",
            "mta-sts.example.com.                     CNAME  mail.example.com.",
            "_smtp._tls.example.com.                  TXT    \"v=TLSRPTv1; rua=mailto:postmaster@example.com\"");
        assertThat(records.get(3).zoneLine()).startsWith("20260301r._domainkey.example.com.        TXT    \"v=DKIM1; k=rsa; p=MIIB")
            .contains("\" \"");
        assertThat(records.get(6).value()).matches("v=STSv1; id=[0-9a-f]{16}");
        assertThat(MailDomainRecords.mtaStsPolicy(HOST)).isEqualTo("version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800\n");
    }

    @Test
    void eachRecordIsComparedOnMeaning() throws Exception {
        DkimKey key = new DkimKeyStore(directory, new TestClock()).generate("example.com", DkimAlgorithm.RSA).get(0);
        List<DnsRecord> records = MailDomainRecords.of("example.com", HOST, List.of(key));
        String p = key.record().substring(key.record().indexOf("p=") + 2);
        dns.mx("example.com", 20, "backup.example.net").mx("example.com", 10, HOST).a(HOST, "192.0.2.25")
            .txt("example.com", "v=spf1 mx -all", "google-site-verification=abc")
            // same key, other spacing and tag order, split as a zone file would
            .txt(key.recordName(), "k=rsa;  v=DKIM1; p=" + p.substring(0, 100) + " " + p.substring(100))
            .txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:postmaster@example.com")
            .add(new CNAMERecord(Name.fromString("mta-sts.example.com."), DClass.IN, 300, Name.fromString(HOST + ".")))
            .txt("_smtp._tls.example.com", "v=TLSRPTv1;rua=mailto:postmaster@example.com")
            .failing("_mta-sts.example.com");

        Map<String, RecordCheck.Verdict> verdicts = new java.util.LinkedHashMap<>();
        new RecordCheck(dns).check(records).forEach(verdict -> verdicts.put(verdict.record().purpose(), verdict));

        assertThat(verdicts.get("mx").status()).isEqualTo(Status.OK);
        assertThat(verdicts.get("host").status()).isEqualTo(Status.OK);
        assertThat(verdicts.get("spf").status()).isEqualTo(Status.OK);
        assertThat(verdicts.get("dkim").status()).isEqualTo(Status.OK);
        assertThat(verdicts.get("dmarc").status()).isEqualTo(Status.DIFFERENT);
        assertThat(verdicts.get("dmarc").line()).startsWith("different   _dmarc.example.com.")
            .endsWith("(found: v=DMARC1; p=reject; rua=mailto:postmaster@example.com)");
        assertThat(verdicts.get("mta-sts-host").status()).isEqualTo(Status.OK);
        assertThat(verdicts.get("mta-sts").status()).isEqualTo(Status.DNS_FAILURE);
        assertThat(verdicts.get("tls-rpt").status()).isEqualTo(Status.OK);
    }

    @Test
    void missingAndForeignRecordsAreReportedAsSuch() throws Exception {
        DkimKeyStore store = new DkimKeyStore(directory, new TestClock());
        DkimKey key = store.generate("example.com", DkimAlgorithm.RSA).get(0);
        DkimKey other = new DkimKeyStore(directory.resolve("other"), new TestClock()).generate("example.com", DkimAlgorithm.RSA).get(0);
        dns.mx("example.com", 10, "mx.provider.example").txt("example.com", "v=spf1 include:_spf.provider.example -all")
            .txt(key.recordName(), other.record());

        Map<String, RecordCheck.Verdict> verdicts = new java.util.LinkedHashMap<>();
        new RecordCheck(dns).check(MailDomainRecords.of("example.com", HOST, List.of(key)))
            .forEach(verdict -> verdicts.put(verdict.record().purpose(), verdict));

        assertThat(verdicts.get("mx").status()).isEqualTo(Status.DIFFERENT);
        assertThat(verdicts.get("mx").found()).containsExactly("10 mx.provider.example.");
        assertThat(verdicts.get("host").status()).isEqualTo(Status.MISSING);
        assertThat(verdicts.get("spf").status()).isEqualTo(Status.DIFFERENT);
        assertThat(verdicts.get("dkim").status()).as("another key under our selector").isEqualTo(Status.DIFFERENT);
        assertThat(verdicts.get("dmarc").status()).isEqualTo(Status.MISSING);
        assertThat(verdicts.get("dmarc").line()).startsWith("missing     _dmarc.example.com.");
        assertThat(verdicts.get("mta-sts-host").status()).isEqualTo(Status.MISSING);
        assertThat(new RecordCheck(dns).dkim(key).status()).isEqualTo(Status.DIFFERENT);
    }
}
