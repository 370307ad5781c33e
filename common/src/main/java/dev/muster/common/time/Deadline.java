package dev.muster.common.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A time limit on a monotonic clock ({@link System#nanoTime} unless a test gives another),
 * counted from when it was made. It has expired once more than its timeout has passed: at
 * the very instant of the limit nothing remains, yet it has not expired.
 *
 * <p>Only differences of the clock's readings count, so a clock that wraps around is fine;
 * a timeout too long to count in nanoseconds (about 292 years) never expires.
 */
public final class Deadline {

    /** What {@link #await} checks: whether what it waits for has happened. */
    @FunctionalInterface
    public interface Condition<E extends Exception> {
        boolean holds() throws E;
    }

    private final LongSupplier nanoTime;
    private final long start;
    private final long timeoutNanos;

    private Deadline(Duration timeout, LongSupplier nanoTime) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a deadline needs a timeout of zero or more, not " + timeout);
        }
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.timeoutNanos = saturatedNanos(timeout);
        this.start = nanoTime.getAsLong();
    }

    /** A deadline {@code timeout} from now. */
    public static Deadline after(Duration timeout) {
        return new Deadline(timeout, System::nanoTime);
    }

    /** A deadline {@code timeout} from now on {@code nanoTime}, a monotonic clock in nanoseconds. */
    public static Deadline after(Duration timeout, LongSupplier nanoTime) {
        return new Deadline(timeout, nanoTime);
    }

    /** The time left until the limit; zero at and after it. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, timeoutNanos - elapsedNanos()));
    }

    /** Whether more than the timeout has passed. */
    public boolean expired() {
        return elapsedNanos() > timeoutNanos;
    }

    /**
     * Checks {@code condition} until it holds, sleeping {@code pollInterval} between checks.
     * It is checked at least once, and once more after the sleep in which the deadline
     * passes.
     *
     * @return true once the condition holds; false if the deadline expired first
     * @throws E what the condition throws, at once
     * @throws InterruptedException if interrupted while sleeping
     */
    public <E extends Exception> boolean await(Condition<E> condition, Duration pollInterval)
            throws E, InterruptedException {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("a poll interval must be positive, not " + pollInterval);
        }
        while (true) {
            if (condition.holds()) {
                return true;
            }
            if (expired()) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(saturatedNanos(pollInterval));
        }
    }

    private long elapsedNanos() {
        // a clock that went back (only a test's can) counts as no time passed
        return Math.max(0, nanoTime.getAsLong() - start);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "Deadline[" + remaining() + " of " + Duration.ofNanos(timeoutNanos) + " left]";
    }
}
