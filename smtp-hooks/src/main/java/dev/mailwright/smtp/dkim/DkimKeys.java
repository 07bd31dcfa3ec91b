package dev.mailwright.smtp.dkim;

import java.util.List;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;

/** DKIM public keys ({@code selector._domainkey.domain} TXT) through our DNS: configured resolver, deadline, cache. */
final class DkimKeys implements PublicKeyRecordRetriever {
    private final DnsLookup dns;

    DkimKeys(DnsLookup dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOptions, CharSequence selector, CharSequence domain)
        throws TempFailException, PermFailException {
        if (!"dns/txt".contentEquals(methodAndOptions)) {
            throw new PermFailException("unsupported key query method " + methodAndOptions);
        }
        DnsAnswer answer = dns.txt(selector + "._domainkey." + domain);
        if (answer.isTemporaryFailure()) {
            throw new TempFailException("key lookup failed: " + answer.problem());
        }
        if (answer.records().isEmpty()) {
            throw new PermFailException("no key for signature (" + selector + "._domainkey." + domain + ")");
        }
        return answer.texts();
    }
}
