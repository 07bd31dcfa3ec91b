package dev.mailwright.server.protocols;

import java.time.Duration;
import java.util.Optional;

/**
 * How many connections a listener takes, and how long an idle one may stay (Postfix's anvil and smtpd timeouts).
 *
 * @param total        connections of the listener together ({@code connectionLimit}; 0 = no limit)
 * @param perClient    connections of one client address ({@code connectionLimitPerIP}; 0 = no limit)
 * @param reserve      the last {@code reserve} slots of {@code total} go only to known clients (those that already
 *                     delivered mail here, and trusted networks), so that a flood of unknown clients cannot shut
 *                     them out ({@code connectionReserve})
 * @param idle         idle time after which a connection is closed ({@code connectiontimeout})
 * @param stressIdle   the idle time once the listener is under stress ({@code stressTimeout})
 * @param stressAt     occupied share of {@code total} from which the listener is under stress ({@code stressThreshold},
 *                     percent)
 */
public record SlotLimits(int total, int perClient, int reserve, Duration idle, Duration stressIdle, int stressAt) {
    public static final int DEFAULT_STRESS_PERCENT = 80;
    public static final Duration DEFAULT_STRESS_IDLE = Duration.ofSeconds(10);

    /** Why a new connection is refused, given what the client and the listener hold already; empty if admitted. */
    public Optional<String> refusal(int clientConnections, int totalConnections, boolean known) {
        if (perClient > 0 && clientConnections >= perClient) {
            return Optional.of("too many connections from your address (limit " + perClient + ")");
        }
        if (total > 0) {
            int open = known ? total : total - reserve;
            if (totalConnections >= open) {
                return Optional.of("too many connections, server busy");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code totalConnections} put the listener under stress (shorter idle timeout). */
    public boolean underStress(int totalConnections) {
        return total > 0 && totalConnections * 100L >= (long) total * stressAt;
    }

    public Duration idleTimeout(int totalConnections) {
        return underStress(totalConnections) && stressIdle.compareTo(idle) < 0 ? stressIdle : idle;
    }
}
