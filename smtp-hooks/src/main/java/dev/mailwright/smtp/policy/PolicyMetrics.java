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
    private final Map<String, Metric> metrics = new ConcurrentHashMap<>();

    PolicyMetrics(MetricFactory metricFactory, String policy) {
        this.metricFactory = metricFactory;
        this.prefix = "mailwright_policy_" + policy.replace('-', '_') + "_";
    }

    void count(Decision decision, boolean enforced) {
        increment(decision.verdict().kind().label());
        if (!enforced) {
            increment("not_enforced");
        }
        if (decision.result() != null) {
            increment("result_" + decision.result().replaceAll("[^A-Za-z0-9]", "_"));
        }
    }

    private void increment(String suffix) {
        metrics.computeIfAbsent(prefix + suffix, metricFactory::generate).increment();
    }
}
