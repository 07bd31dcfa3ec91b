package dev.mailwright.smtp.dmarc;

import java.util.Locale;

import dev.mailwright.smtp.dmarc.DmarcRecord.Disposition;

/**
 * The DMARC evaluation for one author domain (RFC 7489).
 *
 * @param result      pass, fail, none (no policy published), temperror, permerror
 * @param fromDomain  the RFC5322.From domain
 * @param requested   the policy the domain asks for (p, or sp for a subdomain), NONE without a record
 * @param disposition what applies to this message after {@code pct} sampling (NONE unless the result is fail)
 * @param reason      a short explanation for logs and the header comment
 */
public record DmarcResult(Result result, String fromDomain, Disposition requested, Disposition disposition, String reason) {

    public enum Result {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DmarcResult of(Result result, String fromDomain, String reason) {
        return new DmarcResult(result, fromDomain, Disposition.NONE, Disposition.NONE, reason);
    }
}
