package dev.mailwright.smtp.policy;

import java.util.Optional;

import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per policy decision on the logger {@code dev.mailwright.smtp.policy}, for example
 * <pre>policy=spf mode=enforce verdict=reject result=fail client=203.0.113.9 helo=mx.other.test from=&lt;a@other.test&gt; to=- reply="550 5.7.23 ..."</pre>
 * Refusals (and what report mode would have refused) are logged at INFO; plain acceptances at DEBUG, since the
 * transaction log ({@code dev.mailwright.smtp.transactions}) already has one line per accepted message and the
 * message carries the results in its Authentication-Results header.
 */
public final class PolicyLog {
    static final Logger DECISIONS = LoggerFactory.getLogger("dev.mailwright.smtp.policy");

    private PolicyLog() {
    }

    static void log(SMTPSession session, String policy, PolicyMode mode, Decision decision, boolean notable) {
        boolean info = notable || !decision.verdict().accepted();
        if (info ? !DECISIONS.isInfoEnabled() : !DECISIONS.isDebugEnabled()) {
            return;
        }
        Verdict verdict = decision.verdict();
        StringBuilder line = new StringBuilder(200)
            .append("policy=").append(policy)
            .append(" mode=").append(mode.label())
            .append(" verdict=").append(verdict.kind().label());
        if (!verdict.accepted() && mode == PolicyMode.REPORT) {
            line.append(" enforced=no");
        }
        if (decision.result() != null) {
            line.append(" result=").append(decision.result());
        }
        if (decision.details() != null) {
            line.append(' ').append(decision.details());
        }
        line.append(" client=").append(Sessions.clientIp(session));
        Sessions.helo(session).ifPresent(helo -> line.append(" helo=").append(token(helo, 100)));
        Optional.ofNullable(session.getUsername()).ifPresent(user -> line.append(" auth=").append(user.asString()));
        String sender = decision.sender() != null
            ? decision.sender()
            : Sessions.sender(session).map(s -> s.asString("")).orElse(null);
        line.append(" from=").append(sender == null ? "-" : "<" + token(sender, 300) + ">");
        line.append(" to=").append(decision.recipient() == null ? "-" : "<" + token(decision.recipient(), 1000) + ">");
        if (!verdict.accepted()) {
            line.append(" reply=\"").append(verdict.reply().replace('"', '\'')).append('"');
        }
        if (info) {
            DECISIONS.info(line.toString());
        } else {
            DECISIONS.debug(line.toString());
        }
    }

    /**
     * Client-supplied text (HELO, addresses, which may be quoted) in a log line: no spaces, quotes or control
     * characters to forge fields with, and bounded.
     */
    static String token(String value, int max) {
        StringBuilder safe = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && safe.length() < max; i++) {
            char c = value.charAt(i);
            safe.append(c > ' ' && c < 127 && c != '"' ? c : '?');
        }
        return safe.toString();
    }
}
