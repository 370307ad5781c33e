package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.RegionState;
import java.util.List;

/** A region's state after what one of its agents told, and the events that record what changed. */
record RegionUpdate(RegionState state, List<FleetEvent> events) {

    RegionUpdate {
        events = List.copyOf(events);
    }

    static RegionUpdate quietly(RegionState state) {
        return new RegionUpdate(state, List.of());
    }
}
