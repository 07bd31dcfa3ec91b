package dev.mailwright.mailets.dns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import dev.mailwright.mailets.dkim.DkimKey;

/**
 * The DNS records a domain served by this server needs (pure: the domain, the server's host name and the domain's
 * DKIM keys in, the records out): MX, SPF, every published DKIM selector, DMARC, MTA-STS (policy host and TXT) and
 * TLS-RPT. The policies are the safe start: SPF allows the MX hosts only, DMARC quarantines what fails, MTA-STS in
 * {@code testing} mode (a certificate valid for the host name is needed before {@code enforce}), reports to the
 * postmaster.
 */
public final class MailDomainRecords {
    static final long MTA_STS_MAX_AGE = 604_800;

    private MailDomainRecords() {
    }

    public static List<DnsRecord> of(String domain, String host, List<DkimKey> keys) {
        String name = domain.toLowerCase(Locale.ROOT);
        String mx = host.toLowerCase(Locale.ROOT);
        List<DnsRecord> records = new ArrayList<>();
        records.add(new DnsRecord("mx", name, "MX", "10 " + mx + ".", "mail for " + name + " comes to this server"));
        records.add(new DnsRecord("host", mx, "A", "(this server's public IPv4 address; AAAA for IPv6)",
            "the MX host must resolve; its reverse DNS (PTR) should name it too"));
        records.add(new DnsRecord("spf", name, "TXT", "v=spf1 mx -all", "only the MX hosts send mail of " + name));
        keys.forEach(key -> records.add(dkim(key)));
        records.add(new DnsRecord("dmarc", "_dmarc." + name, "TXT", "v=DMARC1; p=quarantine; rua=mailto:postmaster@" + name,
            "receivers quarantine mail of " + name + " that fails SPF and DKIM alignment; aggregate reports to postmaster"));
        records.add(new DnsRecord("mta-sts-host", "mta-sts." + name, "CNAME", mx + ".",
            "serves https://mta-sts." + name + "/.well-known/mta-sts.txt (a web server with a certificate for this name): "
                + mtaStsPolicy(mx).replace("\n", " / ").strip()));
        records.add(new DnsRecord("mta-sts", "_mta-sts." + name, "TXT", "v=STSv1; id=" + mtaStsId(mx),
            "announces the MTA-STS policy; the id changes with the policy"));
        records.add(new DnsRecord("tls-rpt", "_smtp._tls." + name, "TXT", "v=TLSRPTv1; rua=mailto:postmaster@" + name,
            "TLS failure reports of senders to postmaster"));
        return records;
    }

    /** The record of a DKIM key. */
    static DnsRecord dkim(DkimKey key) {
        return new DnsRecord("dkim", key.recordName(), "TXT", key.record(),
            "DKIM " + key.algorithm().keyType() + " key, " + key.state().name().toLowerCase(Locale.ROOT));
    }

    /** The MTA-STS policy file (RFC 8461 3.2) for mail to this host. */
    public static String mtaStsPolicy(String host) {
        return "version: STSv1\nmode: testing\nmx: " + host + "\nmax_age: " + MTA_STS_MAX_AGE + "\n";
    }

    /** The policy id: derived from the policy, so that it changes when the policy does. */
    static String mtaStsId(String host) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(mtaStsPolicy(host).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
