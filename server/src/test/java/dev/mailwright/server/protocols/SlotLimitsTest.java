package dev.mailwright.server.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SlotLimitsTest {
    private final SlotLimits limits = new SlotLimits(500, 20, 50, Duration.ofSeconds(300), Duration.ofSeconds(10), 80);

    @Test
    void aClientMayHoldUpToItsLimit() {
        assertThat(limits.refusal(19, 100, false)).isEmpty();
        assertThat(limits.refusal(20, 100, false)).hasValue("too many connections from your address (limit 20)");
    }

    @Test
    void theReserveIsForKnownClientsOnly() {
        assertThat(limits.refusal(0, 449, false)).isEmpty();
        assertThat(limits.refusal(0, 450, false)).hasValue("too many connections, server busy");
        assertThat(limits.refusal(0, 450, true)).isEmpty();
        assertThat(limits.refusal(0, 499, true)).isEmpty();
        assertThat(limits.refusal(0, 500, true)).hasValue("too many connections, server busy");
    }

    @Test
    void theLimitPerClientAppliesToKnownClientsToo() {
        assertThat(limits.refusal(20, 0, true)).isPresent();
    }

    @Test
    void zeroMeansNoLimit() {
        SlotLimits open = new SlotLimits(0, 0, 0, Duration.ofSeconds(300), Duration.ofSeconds(10), 80);
        assertThat(open.refusal(10_000, 10_000, false)).isEmpty();
        assertThat(open.underStress(10_000)).isFalse();
    }

    @Test
    void underStressTheIdleTimeoutShrinks() {
        assertThat(limits.idleTimeout(399)).isEqualTo(Duration.ofSeconds(300));
        assertThat(limits.idleTimeout(400)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aStressTimeoutLongerThanTheTimeoutIsIgnored() {
        SlotLimits odd = new SlotLimits(10, 0, 0, Duration.ofSeconds(5), Duration.ofSeconds(60), 50);
        assertThat(odd.idleTimeout(9)).isEqualTo(Duration.ofSeconds(5));
    }
}
