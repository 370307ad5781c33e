package dev.muster.coordinator.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Decides which refusals go into the event log, so that nobody can fill it by knocking: the
 * same refusal (by its key) once per {@link #QUIET}, and at most {@link #PER_MINUTE} in any
 * minute. Anyone can reach the port and make a refusal, and a fresh self-signed certificate
 * makes a fresh key, so the overall budget is what bounds the log; the per-key quiet keeps
 * one misconfigured agent retrying from drowning the others.
 */
public final class RefusalThrottle {

    public static final Duration QUIET = Duration.ofMinutes(10);
    public static final int PER_MINUTE = 30;
    private static final int REMEMBERED = 1024;

    private final Clock clock;
    // Guarded by this: when each key was last recorded, least recently seen first.
    private final Map<String, Instant> recorded = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    };
    private Instant minute = Instant.EPOCH;
    private int recordedThisMinute;
    private long suppressed;

    public RefusalThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether to record the refusal with {@code key}: if so, how many were left out since the
     * last one recorded (for its message); empty if this one is left out.
     */
    public synchronized OptionalLong admit(String key) {
        Instant now = clock.instant();
        Instant last = recorded.get(key);
        if (last != null && now.isBefore(last.plus(QUIET))) {
            suppressed++;
            return OptionalLong.empty();
        }
        if (!now.isBefore(minute.plus(Duration.ofMinutes(1)))) {
            minute = now;
            recordedThisMinute = 0;
        }
        if (recordedThisMinute >= PER_MINUTE) {
            suppressed++;
            return OptionalLong.empty();
        }
        recordedThisMinute++;
        recorded.put(key, now);
        long leftOut = suppressed;
        suppressed = 0;
        return OptionalLong.of(leftOut);
    }
}
