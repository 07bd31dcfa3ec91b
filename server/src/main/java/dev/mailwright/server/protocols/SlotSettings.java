package dev.mailwright.server.protocols;

import java.time.Duration;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.util.DurationParser;

/** Reads the Mailwright additions to a listener's limits from its {@code <smtpserver>}/{@code <imapserver>} element. */
public final class SlotSettings {
    private SlotSettings() {
    }

    /**
     * {@code total}, {@code perClient} and {@code idle} come from James's own elements ({@code connectionLimit},
     * {@code connectionLimitPerIP}, {@code connectiontimeout}), read by James before; the reserve defaults to a tenth
     * of the total.
     */
    public static SlotLimits read(HierarchicalConfiguration<ImmutableNode> configuration, int total, int perClient, Duration idle) {
        int reserve = configuration.getInt("connectionReserve", total / 10);
        Duration stressIdle = DurationParser.parse(configuration.getString("stressTimeout",
            SlotLimits.DEFAULT_STRESS_IDLE.toSeconds() + " seconds"));
        int stressAt = configuration.getInt("stressThreshold", SlotLimits.DEFAULT_STRESS_PERCENT);
        if (reserve < 0 || (total > 0 && reserve >= total)) {
            throw new IllegalArgumentException("connectionReserve must be between 0 and connectionLimit - 1");
        }
        return new SlotLimits(total, perClient, reserve, idle, stressIdle, stressAt);
    }
}
