package dev.mailwright.mailets.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * At most {@code perDestination} transactions at once to one destination (a domain's MXs, or a smarthost): a busy
 * destination's recipients wait for a later turn instead of holding a delivery thread.
 */
final class DestinationLimits {
    private final int perDestination;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    DestinationLimits(int perDestination) {
        this.perDestination = perDestination;
    }

    boolean tryAcquire(String destination) {
        return permits.computeIfAbsent(destination, d -> new Semaphore(perDestination)).tryAcquire();
    }

    void release(String destination) {
        permits.get(destination).release();
    }
}
