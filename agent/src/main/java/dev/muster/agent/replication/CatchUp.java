package dev.muster.agent.replication;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How one subscription did at the catch-up barrier: whether the global confirmed the
 * remote's WAL up to where it ended when the barrier began, with every table copied.
 *
 * @param lsn     where the remote's WAL ended when the barrier began
 * @param failure why it did not catch up, if it did not
 */
public record CatchUp(int region, String subscription, String lsn, Duration took, Optional<String> failure) {

    public boolean caughtUp() {
        return failure.isEmpty();
    }

    public String describe() {
        String after = String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0);
        return failure.map(why -> subscription + ": not caught up after " + after + ": " + why)
                .orElse(subscription + ": caught up with region " + region + " at " + lsn + " after " + after);
    }
}
