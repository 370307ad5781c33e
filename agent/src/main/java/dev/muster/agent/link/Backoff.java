package dev.muster.agent.link;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnection attempts, so that agents which
 * lost the coordinator together do not all come back in the same instant.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private int attempt;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
    }

    /** The next delay: doubling from the initial one up to the maximum, then 50–100% of it. */
    public synchronized Duration next() {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 20));
        attempt++;
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    public synchronized void reset() {
        attempt = 0;
    }
}
