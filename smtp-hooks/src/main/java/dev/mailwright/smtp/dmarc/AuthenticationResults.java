package dev.mailwright.smtp.dmarc;


import dev.mailwright.smtp.dkim.DkimResult;
import dev.mailwright.smtp.spf.SpfOutcome;

/**
 * The {@code Authentication-Results} header field (RFC 8601) this server writes, and the test for fields that claim
 * to come from it.
 */
public final class AuthenticationResults {
    public static final String HEADER = "Authentication-Results";

    private AuthenticationResults() {
    }

    /**
     * The field value: {@code authservId; spf=...; dkim=...; dmarc=...}, one result per line. In report mode the
     * DMARC disposition the message would have had is given as {@code dis=} with {@code mode=report}.
     */
    public static String value(String authservId, MessageAuthentication authentication, boolean reportMode) {
        StringBuilder value = new StringBuilder(authservId);
        authentication.spf().ifPresent(spf -> value.append(";\r\n\tspf=").append(spf.result().label())
            .append(explanationComment(spf))
            .append(spf.identity().equals("helo") ? " smtp.helo=" : " smtp.mailfrom=").append(spf.domain()));
        if (authentication.dkim().isEmpty()) {
            value.append(";\r\n\tdkim=none");
        }
        for (DkimResult signature : authentication.dkim()) {
            value.append(";\r\n\tdkim=").append(signature.result().label());
            if (!signature.reason().isEmpty()) {
                value.append(" (").append(comment(signature.reason())).append(')');
            }
            if (!signature.domain().isEmpty()) {
                value.append(" header.d=").append(signature.domain())
                    .append(" header.s=").append(signature.selector())
                    .append(" header.b=").append(signature.b());
            }
        }
        for (DmarcResult dmarc : authentication.dmarc()) {
            value.append(";\r\n\tdmarc=").append(dmarc.result().label());
            if (dmarc.result() == DmarcResult.Result.PASS || dmarc.result() == DmarcResult.Result.FAIL) {
                value.append(" (p=").append(dmarc.requested().label())
                    .append(" dis=").append(dmarc.disposition().label())
                    .append(reportMode && dmarc.result() == DmarcResult.Result.FAIL ? " mode=report" : "")
                    .append(')');
            } else {
                value.append(" (").append(comment(dmarc.reason())).append(')');
            }
            if (!dmarc.fromDomain().isEmpty()) {
                value.append(" header.from=").append(dmarc.fromDomain());
            }
        }
        return value.toString();
    }

    /** Whether a field's authserv-id is {@code authservId}: such a field arriving from outside is forged. */
    public static boolean claims(String fieldValue, String authservId) {
        String rest = skipCommentsAndSpace(fieldValue);
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ';' && rest.charAt(end) != '(' && !Character.isWhitespace(rest.charAt(end))) {
            end++;
        }
        return OrganizationalDomain.normalize(rest.substring(0, end)).equals(OrganizationalDomain.normalize(authservId));
    }

    private static String skipCommentsAndSpace(String value) {
        int i = 0;
        int depth = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && !Character.isWhitespace(c)) {
                break;
            }
            i++;
        }
        return value.substring(i);
    }

    private static String explanationComment(SpfOutcome spf) {
        return spf.explanation().isEmpty() ? "" : " (" + comment(spf.explanation()) + ")";
    }

    /** Text inside a header comment: printable, no parentheses or backslashes, bounded. */
    private static String comment(String text) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length() && safe.length() < 120; i++) {
            char c = text.charAt(i);
            safe.append(c >= ' ' && c < 127 && c != '(' && c != ')' && c != '\\' ? c : ' ');
        }
        return safe.toString().strip();
    }
}
