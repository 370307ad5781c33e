package dev.muster.coordinator.store;

import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the coordinator keeps the fleet so that a restart loses nothing. */
public interface FleetStore extends AutoCloseable {

    /** The fleet as last stored, every region disconnected; empty on the fleet's first start. */
    Optional<Fleet> load();

    /**
     * Makes what is stored {@code fleet}'s durable parts (members, pause, forced releases,
     * what each region reported and waits on), knowing it was {@code stored}, and appends
     * {@code events}: all in one transaction.
     */
    void save(Optional<Fleet> stored, Fleet fleet, List<FleetEvent> events, Instant now);

    /** The newest {@code limit} events, oldest first. */
    List<FleetEvent> recentEvents(int limit);

    @Override
    void close();
}
