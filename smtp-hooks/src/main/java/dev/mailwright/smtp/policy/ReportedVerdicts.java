package dev.mailwright.smtp.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Refusals that policies in report mode did not enforce, kept in the session until the message is accepted, when
 * {@link PolicyReportHeaderHook} writes them into the message. Connection-wide ones (made at connect or AUTH) apply
 * to every message of the connection; the others to the current transaction only.
 */
public final class ReportedVerdicts {
    private static final ProtocolSession.AttachmentKey<ReportedVerdicts> KEY =
        ProtocolSession.AttachmentKey.of("mailwright.policy.reported", ReportedVerdicts.class);

    private final List<String> entries = new ArrayList<>();

    static void record(SMTPSession session, String policy, Decision decision) {
        ProtocolSession.State state = decision.scope() == Decision.Scope.CONNECTION
            ? ProtocolSession.State.Connection
            : ProtocolSession.State.Transaction;
        ReportedVerdicts reported = session.getAttachment(KEY, state).orElseGet(() -> {
            ReportedVerdicts created = new ReportedVerdicts();
            session.setAttachment(KEY, created, state);
            return created;
        });
        StringBuilder entry = new StringBuilder(policy).append("; mode=report");
        if (decision.result() != null) {
            entry.append("; result=").append(decision.result());
        }
        if (decision.recipient() != null) {
            entry.append("; rcpt=<").append(decision.recipient()).append('>');
        }
        entry.append("; would-reply=\"").append(decision.verdict().reply().replace('"', '\'')).append('"');
        reported.entries.add(entry.toString());
    }

    /** What the header hook writes for the current message: connection-wide entries first. */
    public static List<String> forMessage(SMTPSession session) {
        List<String> all = new ArrayList<>();
        entries(session, ProtocolSession.State.Connection).ifPresent(all::addAll);
        entries(session, ProtocolSession.State.Transaction).ifPresent(all::addAll);
        return all;
    }

    private static Optional<List<String>> entries(SMTPSession session, ProtocolSession.State state) {
        return session.getAttachment(KEY, state).map(reported -> reported.entries);
    }
}
