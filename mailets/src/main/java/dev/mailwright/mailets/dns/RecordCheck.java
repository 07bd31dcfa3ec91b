package dev.mailwright.mailets.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.mailets.dkim.DkimKey;

/**
 * Compares the records a domain needs ({@link MailDomainRecords}) with what the server's resolver answers, one
 * verdict per record: {@code ok}, {@code missing}, {@code different} (with what was found) or {@code dns-failure}.
 * The comparison is on meaning, not text: MX by target host, TXT policies by their tags (order and spacing do not
 * matter), DKIM by key type and public key, the MTA-STS host by CNAME target or addresses.
 */
public final class RecordCheck {
    public enum Status { OK, MISSING, DIFFERENT, DNS_FAILURE }

    public record Verdict(DnsRecord record, Status status, List<String> found, String problem) {
        public String line() {
            String label = status.name().toLowerCase(Locale.ROOT).replace('_', '-');
            String line = String.format("%-11s %s", label, record.zoneLine());
            if (status == Status.DIFFERENT) {
                line += "   (found: " + String.join(" | ", found) + ")";
            } else if (status == Status.DNS_FAILURE) {
                line += "   (" + problem + ")";
            }
            return line;
        }
    }

    private final DnsLookup dns;

    public RecordCheck(DnsLookup dns) {
        this.dns = dns;
    }

    public List<Verdict> check(List<DnsRecord> records) {
        return records.stream().map(this::check).toList();
    }

    /** Whether the DNS publishes this DKIM key (same key type and public key). */
    public Verdict dkim(DkimKey key) {
        return check(MailDomainRecords.dkim(key));
    }

    Verdict check(DnsRecord record) {
        return switch (record.purpose()) {
            case "mx" -> mx(record);
            case "host" -> host(record);
            case "mta-sts-host" -> policyHost(record);
            case "dkim" -> txt(record, "v=DKIM1", List.of("k", "p"));
            case "spf" -> spf(record);
            case "dmarc" -> txt(record, "v=DMARC1", null);
            case "mta-sts" -> txt(record, "v=STSv1", null);
            case "tls-rpt" -> txt(record, "v=TLSRPTv1", null);
            default -> throw new IllegalArgumentException("unknown record purpose " + record.purpose());
        };
    }

    private Verdict mx(DnsRecord record) {
        DnsAnswer answer = dns.lookup(record.name(), Type.MX);
        if (answer.isTemporaryFailure()) {
            return failure(record, answer);
        }
        String expected = record.value().substring(record.value().indexOf(' ') + 1);
        List<String> targets = answer.records().stream().filter(MXRecord.class::isInstance).map(MXRecord.class::cast)
            .map(mx -> mx.getPriority() + " " + mx.getTarget().toString().toLowerCase(Locale.ROOT)).toList();
        if (targets.isEmpty()) {
            return new Verdict(record, Status.MISSING, targets, null);
        }
        boolean ours = targets.stream().anyMatch(target -> target.endsWith(" " + expected));
        return new Verdict(record, ours ? Status.OK : Status.DIFFERENT, targets, null);
    }

    private Verdict host(DnsRecord record) {
        List<String> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            DnsAnswer answer = dns.lookup(record.name(), type);
            if (answer.isTemporaryFailure()) {
                return failure(record, answer);
            }
            addresses.addAll(addresses(answer.records()));
        }
        return new Verdict(record, addresses.isEmpty() ? Status.MISSING : Status.OK, addresses, null);
    }

    /** The policy host points at this server: a CNAME to it, or the same addresses. */
    private Verdict policyHost(DnsRecord record) {
        DnsAnswer cname = dns.lookup(record.name(), Type.CNAME);
        if (cname.isTemporaryFailure()) {
            return failure(record, cname);
        }
        List<String> targets = cname.records().stream().filter(CNAMERecord.class::isInstance)
            .map(r -> ((CNAMERecord) r).getTarget().toString().toLowerCase(Locale.ROOT)).toList();
        if (!targets.isEmpty()) {
            return new Verdict(record, targets.contains(record.value()) ? Status.OK : Status.DIFFERENT, targets, null);
        }
        Set<String> theirs = new TreeSet<>(addresses(dns.lookup(record.name(), Type.A).records()));
        theirs.addAll(addresses(dns.lookup(record.name(), Type.AAAA).records()));
        if (theirs.isEmpty()) {
            return new Verdict(record, Status.MISSING, List.of(), null);
        }
        String host = record.value().substring(0, record.value().length() - 1);
        Set<String> ours = new TreeSet<>(addresses(dns.lookup(host, Type.A).records()));
        ours.addAll(addresses(dns.lookup(host, Type.AAAA).records()));
        return new Verdict(record, theirs.equals(ours) ? Status.OK : Status.DIFFERENT, List.copyOf(theirs), null);
    }

    private Verdict spf(DnsRecord record) {
        DnsAnswer answer = dns.txt(record.name());
        if (answer.isTemporaryFailure()) {
            return failure(record, answer);
        }
        List<String> spf = answer.texts().stream().filter(text -> text.toLowerCase(Locale.ROOT).startsWith("v=spf1")).toList();
        if (spf.isEmpty()) {
            return new Verdict(record, Status.MISSING, spf, null);
        }
        boolean same = spf.size() == 1 && normalized(spf.get(0)).equals(normalized(record.value()));
        return new Verdict(record, same ? Status.OK : Status.DIFFERENT, spf, null);
    }

    /** A tag=value record found at the name whose tags ({@code compared}, or all) equal the expected ones. */
    private Verdict txt(DnsRecord record, String version, List<String> compared) {
        DnsAnswer answer = dns.txt(record.name());
        if (answer.isTemporaryFailure()) {
            return failure(record, answer);
        }
        String prefix = version.toLowerCase(Locale.ROOT);
        List<String> candidates = answer.texts().stream()
            .filter(text -> text.replaceAll("\\s+", "").toLowerCase(Locale.ROOT).startsWith(prefix)
                || (prefix.equals("v=dkim1") && text.contains("p=")))
            .toList();
        if (candidates.isEmpty()) {
            return new Verdict(record, Status.MISSING, answer.texts(), null);
        }
        Map<String, String> expected = tags(record.value(), compared);
        boolean same = candidates.stream().anyMatch(text -> tags(text, compared).equals(expected));
        return new Verdict(record, same ? Status.OK : Status.DIFFERENT, candidates, null);
    }

    /** The tags of a tag=value record, whitespace removed; only {@code compared} ones when given. */
    static Map<String, String> tags(String text, List<String> compared) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                String tag = part.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                if (compared == null || compared.contains(tag)) {
                    tags.put(tag, part.substring(equals + 1).replaceAll("\\s+", ""));
                }
            }
        }
        if (compared != null && compared.contains("k")) {
            tags.putIfAbsent("k", "rsa");
        }
        return tags;
    }

    private static String normalized(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static List<String> addresses(List<Record> records) {
        List<String> addresses = new ArrayList<>();
        for (Record found : records) {
            InetAddress address = found instanceof ARecord a ? a.getAddress() : found instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
            if (address != null) {
                addresses.add(address.getHostAddress());
            }
        }
        return addresses;
    }

    private static Verdict failure(DnsRecord record, DnsAnswer answer) {
        return new Verdict(record, Status.DNS_FAILURE, List.of(), "DNS: " + answer.problem());
    }
}
