package dev.muster.coordinator.events;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * One entry of the fleet's append-only event log: who did what, to which region, when.
 *
 * @param region     the region it concerns, if it concerns one
 * @param actor      who caused it: {@code "region 1's agent"}, {@code "operator alice@host"}, {@code "coordinator"}
 * @param migrations the migrations a {@link EventKind#MIGRATION_APPLIED} event records, with their run
 *                   times: the one a report names, or every one a region's first hello holds. Kept in
 *                   memory for the metrics; the stored log has only the detail's words.
 */
public record FleetEvent(
        Instant at, OptionalInt region, EventKind kind, String actor, String detail, List<MigrationRun> migrations) {

    public FleetEvent {
        migrations = List.copyOf(migrations);
    }

    /** An event as the stored log has it. */
    public FleetEvent(Instant at, OptionalInt region, EventKind kind, String actor, String detail) {
        this(at, region, kind, actor, detail, List.of());
    }

    public static FleetEvent of(Instant at, int region, EventKind kind, String actor, String detail) {
        return new FleetEvent(at, OptionalInt.of(region), kind, actor, detail);
    }

    public static FleetEvent ofFleet(Instant at, EventKind kind, String actor, String detail) {
        return new FleetEvent(at, OptionalInt.empty(), kind, actor, detail);
    }

    /** The event as the stored log has it: the run times, which only the metrics read as it happens, left out. */
    public FleetEvent withoutRuns() {
        return migrations.isEmpty() ? this : new FleetEvent(at, region, kind, actor, detail);
    }

    public FleetEvent recording(List<MigrationRun> applied) {
        return new FleetEvent(at, region, kind, actor, detail, applied);
    }
}
