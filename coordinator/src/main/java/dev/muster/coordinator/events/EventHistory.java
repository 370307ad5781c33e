package dev.muster.coordinator.events;

import dev.muster.coordinator.fleet.Fleet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The newest events, in memory, for operators who start watching. Seeded with what the
 * store kept, so a restart does not empty it. The complete log is in the store.
 */
public final class EventHistory implements FleetObserver {

    private final int capacity;
    private final Deque<FleetEvent> newest = new ArrayDeque<>();

    public EventHistory(int capacity, List<FleetEvent> seed) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        seed.forEach(this::add);
    }

    @Override
    public synchronized void changed(Fleet fleet, List<FleetEvent> events) {
        events.forEach(this::add);
    }

    /** The newest {@code count} events, oldest first. */
    public synchronized List<FleetEvent> newest(int count) {
        List<FleetEvent> all = List.copyOf(newest);
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    private void add(FleetEvent event) {
        // a first hello's event carries a run time for each of a region's migrations; watchers never read them
        newest.addLast(event.withoutRuns());
        if (newest.size() > capacity) {
            newest.removeFirst();
        }
    }
}
