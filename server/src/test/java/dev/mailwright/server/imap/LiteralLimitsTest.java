package dev.mailwright.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.api.Test;

class LiteralLimitsTest {
    private final LiteralLimits limits = new LiteralLimits(8192, 4, 50_000_000, 1000);

    @Test
    void beforeAuthenticationOnlySmallLiteralsAreAllowed() {
        assertThat(limits.refusal(false, 8192, 1, 8192)).isEmpty();
        assertThat(limits.refusal(false, 8193, 1, 8193)).hasValueSatisfying(reason -> assertThat(reason).contains("before authentication"));
        assertThat(limits.refusal(false, 2_000_000_000L, 1, 2_000_000_000L)).isPresent();
        assertThat(limits.refusal(false, 10, 5, 50)).hasValueSatisfying(reason -> assertThat(reason).contains("more than 4"));
    }

    @Test
    void afterAuthenticationACommandMayCarryOneLargeMessage() {
        assertThat(limits.refusal(true, 40_000_000, 1, 40_000_000)).isEmpty();
        assertThat(limits.refusal(true, 20_000_000, 2, 60_000_000)).isPresent();
        assertThat(limits.refusal(true, 1, 1001, 1001)).isPresent();
    }

    @Test
    void readsTheConfigurationWithJamesAppendLimitAsTheDefaultPerCommand() {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("literalSizeLimit", "20M");
        configuration.addProperty("literalSizeLimitBeforeAuth", "1K");

        LiteralLimits read = LiteralLimits.from(configuration);

        assertThat(read).isEqualTo(new LiteralLimits(1024, 4, 20L * 1024 * 1024, 1000));
        assertThat(LiteralLimits.from(new BaseHierarchicalConfiguration()).bytesPerCommand()).isEqualTo(50L * 1024 * 1024);
    }
}
