package dev.muster.common.time;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter between attempts: the ceiling starts at the initial delay
 * and doubles with each attempt up to the maximum, and each delay is drawn from the upper
 * half of its ceiling, so that parties which failed together do not all try again in the
 * same instant, and none waits longer than the maximum.
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    // Guarded by this.
    private long ceilingNanos;

    /**
     * @param initial the first ceiling: positive
     * @param max     the highest ceiling: at least {@code initial}, and at most about 292 years
     */
    public Backoff(Duration initial, Duration max) {
        this(initial, max, new Random());
    }

    /** @param random where the jitter comes from; used only under this backoff's lock */
    Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("a backoff needs a positive initial delay and a maximum no shorter, not "
                    + initial + " and " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.ceilingNanos = initialNanos;
    }

    /** The next delay: from half to all of the current ceiling, which then doubles up to the maximum. */
    public synchronized Duration next() {
        long ceiling = ceilingNanos;
        ceilingNanos = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
        return Duration.ofNanos(ceiling - random.nextLong(ceiling / 2 + 1));
    }

    /** Starts over from the initial delay, as after a success. */
    public synchronized void reset() {
        ceilingNanos = initialNanos;
    }
}
