package dev.mailwright.mailets.delivery.queue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * At most {@code perDestination} transactions at once to one destination (a domain's MXs, or a smarthost): a busy
 * destination's recipients wait for a later turn instead of holding a delivery thread.
 */
public final class DestinationLimits {
    private final int perDestination;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    public DestinationLimits(int perDestination) {
        this.perDestination = perDestination;
    }

    public boolean tryAcquire(String destination) {
        return permits.computeIfAbsent(destination, d -> new Semaphore(perDestination)).tryAcquire();
    }

    public void release(String destination) {
        permits.get(destination).release();
    }
}
