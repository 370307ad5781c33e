package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Admission;
import dev.muster.coordinator.fleet.Connection;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReleaseRule;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's live state: the fleet, the agent sessions speaking for its regions,
 * and the release requests they are waiting on. Every change to the fleet re-applies the
 * release rule to every waiting request, so a Go is sent the moment the last member
 * reports. Methods are short and do no I/O beyond handing messages to outboxes, which
 * never block, so callers on gRPC threads are never held up for long.
 */
public final class FleetHub {

    private static final Logger log = LoggerFactory.getLogger(FleetHub.class);

    private final Clock clock;
    private final Map<Long, Session> sessions = new HashMap<>();
    private Fleet fleet;

    public FleetHub(Fleet fleet, Clock clock) {
        this.fleet = fleet;
        this.clock = clock;
    }

    public synchronized Fleet fleet() {
        return fleet;
    }

    /**
     * Starts a session with the agent's full state. Returns false if the agent was refused
     * (the outbox has been told why); the caller then ends the session.
     */
    public synchronized boolean hello(long sessionId, String peer, AgentHello hello, Outbox outbox) {
        if (sessions.containsKey(sessionId)) {
            throw new ProtocolViolation("hello may be sent only once, as the first message of a session");
        }
        Optional<String> refusal = Admission.refusal(fleet,
                new Admission.Claim(hello.region(), hello.role(), hello.instanceId(), hello.databaseId()));
        if (refusal.isPresent()) {
            log.warn("Refused agent from {} claiming region {} as {}: {}", peer, hello.region(), hello.role(), refusal.get());
            outbox.refuse(refusal.get());
            return false;
        }
        supersedeEarlierSessions(hello.region(), hello.instanceId());
        Connection connection = new Connection(sessionId, hello.instanceId(), hello.databaseId(), peer, clock.instant());
        RegionState state = fleet.region(hello.region())
                .map(known -> known.rehello(hello.role(), hello.applied(), hello.available(), connection))
                .orElseGet(() -> RegionState.reported(hello.region(), hello.role(), hello.applied(),
                        hello.available(), connection));
        fleet = fleet.with(state);
        sessions.put(sessionId, new Session(hello.region(), outbox));
        log.info("Region {} ({}, agent {}) connected from {}: {} migrations applied, {} available{}",
                hello.region(), hello.role(), hello.agentVersion(), peer, hello.applied().size(),
                hello.available().size(), fleet.isMember(hello.region()) ? "" : "; not a member, so it gates nothing");
        outbox.welcome(fleet.members());
        reconsiderWaiting();
        return true;
    }

    /**
     * The agent asks to apply {@code pending}, in order; replaces any earlier request of the
     * session. The migrations are as the agent's files have them now, which may be newer
     * than its hello said: the rule judges what the agent is about to apply.
     */
    public synchronized void requestRelease(long sessionId, long requestId, List<Migration> pending) {
        Session session = session(sessionId, "a release request");
        if (pending.isEmpty()) {
            throw new ProtocolViolation("a release request must name at least one migration");
        }
        RegionState state = fleet.region(session.region).orElseThrow();
        for (Migration migration : pending) {
            state = state.withAvailable(migration);
        }
        fleet = fleet.with(state);
        session.requestId = requestId;
        session.pending = pending.stream().map(Migration::version).toList();
        session.lastSent = null;
        answer(session);
    }

    /** The agent's region committed {@code migration}. */
    public synchronized void applied(long sessionId, Migration migration) {
        Session session = session(sessionId, "a migration report");
        RegionState state = fleet.region(session.region).orElseThrow();
        fleet = fleet.with(state.withApplied(migration));
        log.info("Region {} applied migration {}", session.region, migration.version());
        reconsiderWaiting();
    }

    public synchronized void failed(long sessionId, String version, String error) {
        Session session = session(sessionId, "a migration failure");
        log.warn("Region {} failed to apply migration {}: {}", session.region, version, error);
    }

    /** The agent's newest view of replication on its region's server. */
    public synchronized void replicationReport(long sessionId, ReplicationHealth health) {
        Session session = session(sessionId, "a replication report");
        RegionState state = fleet.region(session.region).orElseThrow();
        List<String> before = state.replication().map(ReplicationHealth::problems).orElse(List.of());
        List<String> now = health.problems();
        if (!now.equals(before)) {
            if (now.isEmpty()) {
                log.info("Region {}: replication is healthy", session.region);
            } else {
                log.warn("Region {}: {}", session.region, String.join("; ", now));
            }
        }
        fleet = fleet.with(state.withReplication(health));
    }

    /** The session is over (completed, cancelled or broken). Idempotent. */
    public synchronized void ended(long sessionId) {
        Session session = sessions.remove(sessionId);
        if (session == null) {
            return;
        }
        RegionState state = fleet.region(session.region).orElseThrow().without(sessionId);
        fleet = fleet.with(state);
        if (state.connected()) {
            log.info("A session of region {} ended; {} still connected", session.region, state.connections().size());
        } else {
            log.info("Region {} disconnected", session.region);
        }
        reconsiderWaiting();
    }

    /** Ends the sessions of an agent process that reconnected before its old session was seen to end. */
    private void supersedeEarlierSessions(int region, String instanceId) {
        RegionState state = fleet.region(region).orElse(null);
        if (state == null) {
            return;
        }
        for (Connection old : state.connections()) {
            if (!instanceId.isEmpty() && old.instanceId().equals(instanceId)) {
                Session earlier = sessions.remove(old.sessionId());
                if (earlier != null) {
                    log.info("Region {} reconnected; its earlier session from {} is superseded", region, old.peer());
                    earlier.outbox.supersede();
                }
                state = state.without(old.sessionId());
            }
        }
        fleet = fleet.with(state);
    }

    private void reconsiderWaiting() {
        for (Session session : sessions.values()) {
            if (session.pending != null) {
                answer(session);
            }
        }
    }

    private void answer(Session session) {
        Release release = ReleaseRule.decide(fleet, session.region, session.pending);
        if (release.equals(session.lastSent)) {
            return;
        }
        if (release instanceof Release.Wait) {
            session.lastSent = release;
        } else {
            // Go and Reject settle the request; the agent asks again for what remains.
            session.pending = null;
            session.lastSent = null;
        }
        log.info("Region {}: {}", session.region, release);
        session.outbox.release(session.requestId, release);
    }

    private Session session(long sessionId, String what) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            throw new ProtocolViolation(what + " came before hello; hello must be the first message of a session");
        }
        return session;
    }

    private static final class Session {
        final int region;
        final Outbox outbox;
        long requestId;
        List<String> pending;
        Release lastSent;

        Session(int region, Outbox outbox) {
            this.region = region;
            this.outbox = outbox;
        }
    }
}
