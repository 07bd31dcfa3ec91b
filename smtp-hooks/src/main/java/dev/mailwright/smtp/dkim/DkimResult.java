package dev.mailwright.smtp.dkim;

import java.util.Locale;

/**
 * The verification of one DKIM-Signature field (RFC 6376), with what Authentication-Results reports about it (RFC
 * 8601 2.7.1: {@code header.d}, {@code header.s}, {@code header.b}).
 *
 * @param result   pass, fail, neutral (unusable signature), policy (refused by local policy, e.g. rsa-sha1),
 *                 temperror, permerror
 * @param domain   the signing domain (d=), lower case, or empty when the field could not be parsed
 * @param selector the selector (s=), or empty
 * @param b        the first characters of the signature (b=), to tell signatures apart, or empty
 * @param reason   why it did not pass, or empty
 */
public record DkimResult(Result result, String domain, String selector, String b, String reason) {

    public enum Result {
        PASS, FAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean passed() {
        return result == Result.PASS;
    }
}
