package dev.mailwright.smtp.dmarc;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.smtp.dkim.DkimResult;
import dev.mailwright.smtp.dmarc.DmarcRecord.Disposition;
import dev.mailwright.smtp.dmarc.DmarcResult.Result;
import dev.mailwright.smtp.spf.SpfOutcome;
import dev.mailwright.smtp.spf.SpfResult;

/**
 * DMARC for one author domain (RFC 7489 section 6.6): find the policy record (the From domain's, else its
 * organizational domain's, where {@code sp} applies), check whether SPF or DKIM authenticated an aligned domain,
 * and on failure pick the disposition, sampled by {@code pct}.
 */
public final class DmarcEvaluator {
    static final int MAX_ANSWERS = 1_000;

    private final DnsLookup dns;
    private final DoubleSupplier random;
    /**
     * What each DNS answer said, by the answer's identity: our DNS cache hands out the same answer object until its
     * TTL ends, so the record is read (TXT strings joined, matched, parsed) once per answer rather than per message,
     * and a new answer is read anew. Weak keys: an answer the DNS cache dropped is forgotten here too.
     */
    private final Cache<DnsAnswer, Lookup> answers = CacheBuilder.newBuilder().weakKeys().maximumSize(MAX_ANSWERS).build();
    private final AtomicLong answersRead = new AtomicLong();

    /** {@code random} yields values in [0, 1) for {@code pct} sampling. */
    public DmarcEvaluator(DnsLookup dns, DoubleSupplier random) {
        this.dns = dns;
        this.random = random;
    }

    private sealed interface Lookup permits Found, Absent, Failed {
    }

    private record Found(DmarcRecord record) implements Lookup {
    }

    private record Absent() implements Lookup {
    }

    private record Failed(String problem) implements Lookup {
    }

    public DmarcResult evaluate(String fromDomain, Optional<SpfOutcome> spf, List<DkimResult> dkim) {
        String domain = OrganizationalDomain.normalize(fromDomain);
        Lookup lookup = find(domain);
        boolean subdomain = false;
        if (lookup instanceof Absent) {
            String organizational = OrganizationalDomain.of(domain);
            if (!organizational.equals(domain)) {
                lookup = find(organizational);
                subdomain = true;
            }
        }
        if (lookup instanceof Failed failed) {
            return DmarcResult.of(Result.TEMPERROR, domain, "policy lookup failed: " + failed.problem());
        }
        if (lookup instanceof Absent) {
            return DmarcResult.of(Result.NONE, domain, "no DMARC policy");
        }
        DmarcRecord record = ((Found) lookup).record();
        Disposition requested = subdomain ? record.subdomainPolicy() : record.policy();
        boolean dkimAligned = dkimAligned(domain, dkim, record.strictDkim());
        boolean spfAligned = spfAligned(domain, spf, record.strictSpf());
        if (dkimAligned || spfAligned) {
            return new DmarcResult(Result.PASS, domain, requested, Disposition.NONE,
                dkimAligned ? "aligned DKIM signature" : "aligned SPF pass");
        }
        Disposition disposition = requested;
        if (record.percent() < 100 && random.getAsDouble() * 100 >= record.percent()) {
            disposition = requested.relaxed();
        }
        return new DmarcResult(Result.FAIL, domain, requested, disposition, "no aligned SPF pass or DKIM signature");
    }

    /** Whether SPF or DKIM authenticated {@code domain} or a name aligned with it (DMARC's test, without a record). */
    public static boolean authenticated(String domain, Optional<SpfOutcome> spf, List<DkimResult> dkim) {
        return dkimAligned(domain, dkim, false) || spfAligned(domain, spf, false);
    }

    private static boolean dkimAligned(String domain, List<DkimResult> dkim, boolean strict) {
        return dkim.stream().anyMatch(signature -> signature.passed() && OrganizationalDomain.aligned(signature.domain(), domain, strict));
    }

    private static boolean spfAligned(String domain, Optional<SpfOutcome> spf, boolean strict) {
        return spf.filter(outcome -> outcome.result() == SpfResult.PASS)
            .filter(outcome -> OrganizationalDomain.aligned(outcome.domain(), domain, strict))
            .isPresent();
    }

    private Lookup find(String domain) {
        DnsAnswer answer = dns.txt("_dmarc." + domain);
        if (answer.isTemporaryFailure()) {
            return new Failed(answer.problem());
        }
        Lookup known = answers.getIfPresent(answer);
        if (known == null) {
            known = read(answer);
            answersRead.incrementAndGet();
            answers.put(answer, known);
        }
        return known;
    }

    /** How many DNS answers were read so far (each once while it is remembered). */
    long answersRead() {
        return answersRead.get();
    }

    long answersKnown() {
        answers.cleanUp();
        return answers.size();
    }

    private static Lookup read(DnsAnswer answer) {
        List<String> records = answer.texts().stream().filter(DmarcRecord::isDmarc).toList();
        // RFC 7489 6.6.3: several records are as good as none
        return records.size() == 1 ? new Found(DmarcRecord.parse(records.get(0))) : new Absent();
    }
}
