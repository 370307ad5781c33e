package dev.muster.coordinator.events;

import java.time.Instant;
import java.util.OptionalInt;

/**
 * One entry of the fleet's append-only event log: who did what, to which region, when.
 *
 * @param region the region it concerns, if it concerns one
 * @param actor  who caused it: {@code "region 1's agent"}, {@code "operator alice@host"}, {@code "coordinator"}
 */
public record FleetEvent(Instant at, OptionalInt region, EventKind kind, String actor, String detail) {

    public static FleetEvent of(Instant at, int region, EventKind kind, String actor, String detail) {
        return new FleetEvent(at, OptionalInt.of(region), kind, actor, detail);
    }

    public static FleetEvent ofFleet(Instant at, EventKind kind, String actor, String detail) {
        return new FleetEvent(at, OptionalInt.empty(), kind, actor, detail);
    }
}
