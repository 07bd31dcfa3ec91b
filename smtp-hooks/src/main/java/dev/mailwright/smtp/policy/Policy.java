package dev.mailwright.smtp.policy;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;

/**
 * The part every policy hook shares: its {@code <mode>} (enforce or report), the decision log line, the metrics, and
 * the report-mode bookkeeping. A hook decides a {@link Verdict}; {@link #apply} turns it into what James sends.
 */
public final class Policy {
    private final String name;
    private final PolicyMetrics metrics;
    private PolicyMode mode = PolicyMode.ENFORCE;

    public Policy(String name, MetricFactory metricFactory) {
        this.name = name;
        this.metrics = new PolicyMetrics(metricFactory, name);
    }

    /** Reads {@code <mode>} from the handler's settings. */
    public void configure(Settings settings) throws ConfigurationException {
        this.mode = settings.mode();
    }

    public String name() {
        return name;
    }

    public PolicyMode mode() {
        return mode;
    }

    /**
     * Logs and counts the decision and returns the verdict to apply: the decision's own, or, in report mode, an
     * acceptance (the refusal is remembered for the message's {@code X-Mailwright-Policy} header).
     */
    public Verdict decide(SMTPSession session, Decision decision) {
        return decide(session, decision, false);
    }

    /** As {@link #decide(SMTPSession, Decision)}; {@code notable} logs an acceptance at INFO (e.g. a quarantine). */
    public Verdict decide(SMTPSession session, Decision decision, boolean notable) {
        boolean enforced = decision.verdict().accepted() || mode == PolicyMode.ENFORCE;
        metrics.count(decision, enforced);
        PolicyLog.log(session, name, mode, decision, notable);
        if (enforced) {
            return decision.verdict();
        }
        ReportedVerdicts.record(session, name, decision);
        return Verdict.accept();
    }

    /** {@link #decide} as a hook result. */
    public HookResult apply(SMTPSession session, Decision decision) {
        return decide(session, decision).toHookResult();
    }

    /** {@link #decide} as a reply for handlers that answer directly (connect, commands): {@code null} to accept. */
    public Response respond(SMTPSession session, Decision decision) {
        Verdict verdict = decide(session, decision);
        if (verdict.accepted()) {
            return null;
        }
        SMTPResponse response = new SMTPResponse(verdict.code(), verdict.status() + " " + verdict.text());
        response.setEndSession(verdict.disconnect());
        return response;
    }
}
