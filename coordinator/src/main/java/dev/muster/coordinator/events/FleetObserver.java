package dev.muster.coordinator.events;

import dev.muster.coordinator.fleet.Fleet;
import java.util.List;

/** Learns of every change to the fleet, in order: the durable store, and operators watching. */
public interface FleetObserver {

    /**
     * The fleet is now {@code fleet}, after {@code events}. Called with the hub's lock held,
     * so it must hand the work off and return at once.
     */
    void changed(Fleet fleet, List<FleetEvent> events);
}
