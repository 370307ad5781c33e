package dev.muster.coordinator.hub;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How Flyway's history of a region records one applied migration, when its agent says.
 *
 * @param rank its place in the history (installed_rank); later rows rank higher
 * @param took how long it ran
 */
public record Installation(OptionalInt rank, Optional<Duration> took) {

    public static final Installation UNKNOWN = new Installation(OptionalInt.empty(), Optional.empty());

    public static Installation ofRunTime(Duration took) {
        return new Installation(OptionalInt.empty(), Optional.of(took));
    }
}
