package dev.mailwright.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.mailets.delivery.nexthop.MtaStsPolicy;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class MtaStsPolicyFuzzTest {
    /** An MTA-STS policy body from any web server: a policy or IllegalArgumentException; a policy answers for any MX. */
    @FuzzTest(maxDuration = "10s")
    void mtaStsPolicy(FuzzedDataProvider data) {
        String mx = data.consumeString(100);
        MtaStsPolicy policy;
        try {
            policy = MtaStsPolicy.parse(data.consumeRemainingAsString());
        } catch (IllegalArgumentException invalid) {
            return;
        }
        policy.allows(mx);
    }
}
