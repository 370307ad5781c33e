package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Connection;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.RegionState;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent sessions the hub has welcomed, by session id. Guarded by the hub's lock. */
final class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final Map<Long, Session> byId = new HashMap<>();

    boolean isOpen(long sessionId) {
        return byId.containsKey(sessionId);
    }

    void add(Session session) {
        byId.put(session.id, session);
    }

    /**
     * The session that sent {@code what}.
     *
     * @throws ProtocolViolation if it has not said hello (or has ended)
     */
    Session get(long sessionId, String what) {
        Session session = byId.get(sessionId);
        if (session == null) {
            throw new ProtocolViolation(what + " came before hello; hello must be the first message of a session");
        }
        return session;
    }

    private Optional<Session> remove(long sessionId) {
        return Optional.ofNullable(byId.remove(sessionId));
    }

    /**
     * Session {@code sessionId} is over, {@code at}: its region after it, empty if it had
     * ended already. A region's last session ending is an event.
     */
    Optional<RegionUpdate> end(Fleet fleet, long sessionId, Instant at) {
        Optional<Session> ended = remove(sessionId);
        if (ended.isEmpty()) {
            return Optional.empty();
        }
        int region = ended.get().region;
        RegionState state =
                fleet.region(region).orElseThrow().without(sessionId).seenAt(at);
        if (state.connected()) {
            log.info(
                    "A session of region {} ended; {} still connected",
                    region,
                    state.connections().size());
            return Optional.of(RegionUpdate.quietly(state));
        }
        log.info("Region {} disconnected", region);
        return Optional.of(new RegionUpdate(
                state,
                List.of(FleetEvent.of(
                        at, region, EventKind.DISCONNECTED, EventLog.agentOf(region), "its last session ended"))));
    }

    /**
     * Ends the sessions of agent process {@code instanceId} that it reconnected before they
     * were seen to end, and returns the fleet without their connections.
     */
    Fleet supersedeEarlier(Fleet fleet, int region, String instanceId) {
        Optional<RegionState> known = fleet.region(region);
        if (known.isEmpty() || instanceId.isEmpty()) {
            return fleet;
        }
        RegionState state = known.get();
        for (Connection old : state.connections()) {
            if (old.instanceId().equals(instanceId)) {
                remove(old.sessionId()).ifPresent(earlier -> {
                    log.info("Region {} reconnected; its earlier session from {} is superseded", region, old.peer());
                    earlier.outbox.supersede();
                });
                state = state.without(old.sessionId());
            }
        }
        return fleet.with(state);
    }

    /** The regions with a daemon connected, which carry out steps. */
    SortedSet<Integer> regionsWithDaemons() {
        return byId.values().stream()
                .filter(session -> session.daemon)
                .map(session -> session.region)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The newest daemon session of {@code region}: an older one may be a restarted daemon's, not yet seen to end. */
    Optional<Session> newestDaemon(int region) {
        return byId.values().stream()
                .filter(session -> session.region == region && session.daemon)
                .max(Comparator.comparingLong(session -> session.id));
    }
}
