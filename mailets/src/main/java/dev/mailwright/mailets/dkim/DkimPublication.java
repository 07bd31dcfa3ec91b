package dev.mailwright.mailets.dkim;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;

/** Whether the DNS (the server's resolver) publishes a key's record: same key type and same public key. */
public final class DkimPublication {
    public enum Status { PUBLISHED, MISSING, DIFFERENT, DNS_FAILURE }

    /** What the DNS said, with the records found (for the administrator). */
    public record Result(Status status, List<String> found, String problem) {
    }

    private DkimPublication() {
    }

    public static Result check(DnsLookup dns, DkimKey key) {
        DnsAnswer answer = dns.txt(key.recordName());
        if (answer.isTemporaryFailure()) {
            return new Result(Status.DNS_FAILURE, List.of(), answer.problem());
        }
        List<String> found = answer.texts();
        if (found.isEmpty()) {
            return new Result(Status.MISSING, found, null);
        }
        boolean same = found.stream().anyMatch(record -> tag(record, "p").equals(tag(key.record(), "p"))
            && tag(record, "k").orElse("rsa").equalsIgnoreCase(key.algorithm().keyType()));
        return new Result(same ? Status.PUBLISHED : Status.DIFFERENT, found, null);
    }

    /** A tag's value, whitespace removed (RFC 6376 3.2: whitespace around and inside base64 values is ignored). */
    static Optional<String> tag(String record, String name) {
        for (String part : record.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(part.substring(equals + 1).replaceAll("\\s+", ""));
            }
        }
        return Optional.empty();
    }
}
