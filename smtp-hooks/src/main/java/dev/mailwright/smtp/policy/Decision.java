package dev.mailwright.smtp.policy;

/**
 * One decision of a policy, as logged and counted: the verdict, the envelope it is about, and what the check found.
 *
 * @param verdict    what the policy decided
 * @param sender     the envelope sender in question ({@code null}: the session's, if any)
 * @param recipient  the recipient the decision is about, or {@code null}
 * @param result     a short token of what the check found ({@code pass}, {@code fail}, {@code over-limit}...), counted
 *                   in the metrics; {@code null} if there is nothing to say beyond the verdict
 * @param details    further {@code key=value} pairs for the log line, or {@code null}
 * @param scope      where a report-mode verdict is remembered: for the whole connection or the current transaction
 */
public record Decision(Verdict verdict, String sender, String recipient, String result, String details, Scope scope) {

    public enum Scope { CONNECTION, TRANSACTION }

    public static Decision of(Verdict verdict) {
        return new Decision(verdict, null, null, null, null, Scope.TRANSACTION);
    }

    public Decision sender(String sender) {
        return new Decision(verdict, sender, recipient, result, details, scope);
    }

    public Decision recipient(String recipient) {
        return new Decision(verdict, sender, recipient, result, details, scope);
    }

    /** The envelope of a whole message (end of DATA decisions). */
    public Decision envelope(org.apache.mailet.Mail mail) {
        String recipients = mail.getRecipients().stream()
            .map(org.apache.james.core.MailAddress::asString)
            .collect(java.util.stream.Collectors.joining(">,<"));
        return sender(mail.getMaybeSender().asString("")).recipient(recipients.isEmpty() ? null : recipients);
    }

    public Decision result(String result) {
        return new Decision(verdict, sender, recipient, result, details, scope);
    }

    public Decision details(String details) {
        return new Decision(verdict, sender, recipient, result, details, scope);
    }

    public Decision connectionScope() {
        return new Decision(verdict, sender, recipient, result, details, Scope.CONNECTION);
    }
}
