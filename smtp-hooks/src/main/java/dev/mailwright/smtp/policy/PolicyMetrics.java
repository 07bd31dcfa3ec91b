package dev.mailwright.smtp.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;

/**
 * Counters of one policy in James's metrics (WebAdmin {@code GET /metrics}):
 * {@code mailwright_policy_<policy>_<accept|tempfail|reject>} per decision (in report mode, what would have been
 * decided), {@code mailwright_policy_<policy>_not_enforced} for refusals report mode let through, and
 * {@code mailwright_policy_<policy>_result_<result>} per result of the check (e.g. {@code _result_softfail}).
 */
final class PolicyMetrics {
    private final MetricFactory metricFactory;
    private final String prefix;
    /** Per verdict kind, per raw result token: built once, not from strings and a regular expression per decision. */
    private final Map<Verdict.Kind, Metric> decisions = new ConcurrentHashMap<>();
    private final Map<String, Metric> results = new ConcurrentHashMap<>();
    private volatile Metric notEnforced;

    PolicyMetrics(MetricFactory metricFactory, String policy) {
        this.metricFactory = metricFactory;
        this.prefix = "mailwright_policy_" + policy.replace('-', '_') + "_";
    }

    void count(Decision decision, boolean enforced) {
        decisions.computeIfAbsent(decision.verdict().kind(), kind -> generate(kind.label())).increment();
        if (!enforced) {
            Metric metric = notEnforced;
            if (metric == null) {
                metric = generate("not_enforced");
                notEnforced = metric;
            }
            metric.increment();
        }
        if (decision.result() != null) {
            results.computeIfAbsent(decision.result(), result -> generate("result_" + result.replaceAll("[^A-Za-z0-9]", "_")))
                .increment();
        }
    }

    private Metric generate(String suffix) {
        return metricFactory.generate(prefix + suffix);
    }
}
