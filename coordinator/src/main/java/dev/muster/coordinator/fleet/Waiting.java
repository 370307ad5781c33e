package dev.muster.coordinator.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A region's migration that the coordinator last answered with a wait: the version, the
 * member regions it waits on, or why an operator holds it. Kept after the region's agent
 * disconnects, and across coordinator restarts, until the region is released or rejected.
 */
public record Waiting(String version, List<Integer> regions, Optional<String> held, Instant since) {

    public Waiting {
        regions = List.copyOf(regions);
    }

    public static Optional<Waiting> of(Release release, Instant since) {
        if (release instanceof Release.Wait wait) {
            return Optional.of(new Waiting(wait.version(), wait.regions(), Optional.empty(), since));
        }
        if (release instanceof Release.Hold hold) {
            return Optional.of(new Waiting(hold.version(), List.of(), Optional.of(hold.reason()), since));
        }
        return Optional.empty();
    }

    /** The same wait, as far as an operator can tell: the time it started does not count. */
    public boolean sameAs(Waiting other) {
        return version.equals(other.version) && regions.equals(other.regions) && held.equals(other.held);
    }
}
