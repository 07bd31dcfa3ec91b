package dev.mailwright.mailets.delivery.nexthop;

import java.util.List;

import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.mailets.delivery.smtp.TlsPolicy;
import dev.mailwright.mailets.delivery.smtp.Tlsa;
import dev.mailwright.mailets.outcome.SmtpReply;

/**
 * DANE for SMTP (RFC 7672) per next-hop host: when the host was found through DNSSEC-validated answers (its MX
 * record set, or its absence, and its addresses), its TLSA records at {@code _PORT._tcp.HOST}, validated too, decide
 * its TLS: usable records (DANE-TA(2), DANE-EE(3)) make TLS mandatory and authenticate the server by them; records
 * that are all unusable (PKIX-TA(0), PKIX-EE(1): ignored for SMTP) make TLS mandatory without authentication; a
 * validated "no TLSA" leaves the host to MTA-STS or opportunistic TLS; a failed TLSA lookup makes the host unusable
 * (never clear text). Without DNSSEC validation (conf/dnsservice.xml) nothing changes.
 */
final class DanePolicies {
    /** What DANE says about one host. */
    sealed interface Outcome permits NotApplicable, Applies, Unusable {
    }

    /** DANE does not apply; {@code reason} says why (empty when DNSSEC validation is off). */
    record NotApplicable(String reason) implements Outcome {
    }

    record Applies(TlsPolicy policy) implements Outcome {
    }

    /** The host must not be used: its TLSA records could not be read. */
    record Unusable(SmtpReply failure) implements Outcome {
    }

    private final DnsLookup dns;

    DanePolicies(DnsLookup dns) {
        this.dns = dns;
    }

    boolean active() {
        return dns.validatesDnssec();
    }

    /**
     * @param insecure why the host's name or addresses are not DNSSEC-validated, {@code null} when they are
     * @param domain the destination domain, a reference name for DANE-TA besides the host
     */
    Outcome forHost(String host, int port, String domain, String insecure) {
        if (!active()) {
            return new NotApplicable("");
        }
        if (insecure != null) {
            return new NotApplicable("no DANE: " + insecure);
        }
        String base = "_" + port + "._tcp." + host;
        DnsAnswer answer = dns.lookup(base, Type.TLSA);
        if (answer.isTemporaryFailure()) {
            return new Unusable(SmtpReply.local(451, "4.7.5", "DANE: the TLSA lookup of " + base + " failed ("
                + answer.problem() + "); the host is not used"));
        }
        if (!answer.secure()) {
            return new NotApplicable("no DANE: the TLSA answer of " + base + " is not DNSSEC-validated");
        }
        List<Tlsa> records = answer.records().stream().filter(TLSARecord.class::isInstance).map(TLSARecord.class::cast)
            .map(r -> new Tlsa(r.getCertificateUsage(), r.getSelector(), r.getMatchingType(), r.getCertificateAssociationData()))
            .toList();
        if (records.isEmpty()) {
            return new NotApplicable("no DANE: no TLSA record at " + base + " (DNSSEC-validated)");
        }
        long usable = records.stream().filter(Tlsa::usable).count();
        if (usable == 0) {
            return new Applies(new TlsPolicy(TlsPolicy.Level.ENCRYPT, "DANE: the TLSA records at " + base + " " + records
                + " are all unusable for SMTP (RFC 7672 3.1.3): TLS required, not authenticated"));
        }
        List<String> names = host.equalsIgnoreCase(domain) || domain.isEmpty() ? List.of(host) : List.of(host, domain);
        return new Applies(new TlsPolicy(TlsPolicy.Level.DANE, "DANE: " + usable + " usable TLSA record"
            + (usable > 1 ? "s" : "") + " at " + base + " (DNSSEC-validated), TLS required", records, names));
    }
}
