package dev.muster.coordinator.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One entry of the fleet's append-only event log: who did what, to which region, when.
 *
 * @param region the region it concerns, if it concerns one
 * @param actor  who caused it: {@code "region 1's agent"}, {@code "operator alice@host"}, {@code "coordinator"}
 * @param took   how long what it records took, for the kinds that measure something: a
 *               {@link EventKind#MIGRATION_APPLIED migration}'s run. Kept in memory for
 *               the metrics; the stored log has it in the detail's words.
 */
public record FleetEvent(
        Instant at, OptionalInt region, EventKind kind, String actor, String detail, Optional<Duration> took) {

    /** An event as the stored log has it. */
    public FleetEvent(Instant at, OptionalInt region, EventKind kind, String actor, String detail) {
        this(at, region, kind, actor, detail, Optional.empty());
    }

    public static FleetEvent of(Instant at, int region, EventKind kind, String actor, String detail) {
        return new FleetEvent(at, OptionalInt.of(region), kind, actor, detail);
    }

    public static FleetEvent ofFleet(Instant at, EventKind kind, String actor, String detail) {
        return new FleetEvent(at, OptionalInt.empty(), kind, actor, detail);
    }

    public FleetEvent took(Duration duration) {
        return new FleetEvent(at, region, kind, actor, detail, Optional.of(duration));
    }
}
