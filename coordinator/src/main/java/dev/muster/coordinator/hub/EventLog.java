package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventHistory;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The events a change of the fleet makes, and who hears of them: they gather while the hub
 * changes the fleet and go out together, with the fleet they led to, once the change is
 * done. Guarded by the hub's lock.
 */
final class EventLog {

    private final Clock clock;
    private final EventHistory history;
    private final List<FleetObserver> observers = new CopyOnWriteArrayList<>();
    private final List<FleetEvent> happened = new ArrayList<>();

    EventLog(Clock clock, EventHistory history) {
        this.clock = clock;
        this.history = history;
    }

    /** Records, as happening now, an event of {@code region}, or of the whole fleet when it is null. */
    void record(Integer region, EventKind kind, String actor, String detail) {
        happened.add(
                region == null
                        ? FleetEvent.ofFleet(clock.instant(), kind, actor, detail)
                        : FleetEvent.of(clock.instant(), region, kind, actor, detail));
    }

    void add(FleetEvent event) {
        happened.add(event);
    }

    /** {@code observer} gets {@code fleet} and the newest {@code pastEvents} events now, and every later change. */
    void observe(FleetObserver observer, int pastEvents, Fleet fleet) {
        List<FleetEvent> past = history.newest(Math.max(0, pastEvents));
        observers.add(observer);
        observer.changed(fleet, past);
    }

    void unobserve(FleetObserver observer) {
        observers.remove(observer);
    }

    /** Tells the observers that the fleet is now {@code fleet}, after the events recorded since the last time. */
    void publish(Fleet fleet) {
        List<FleetEvent> events = List.copyOf(happened);
        happened.clear();
        history.changed(fleet, events);
        for (FleetObserver observer : observers) {
            observer.changed(fleet, events);
        }
    }

    /** The actor of what a region's agent did, in the event log's words. */
    static String agentOf(int region) {
        return "region " + region + "'s agent";
    }
}
