package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReleaseRule;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.Waiting;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the global's release requests by the release rule, and answers every open one
 * again whenever the fleet changes, so that a Go goes out the moment the last member
 * reports. Keeps what each region waits on in the fleet, and records the answers as events.
 * Each method takes the fleet as it is and returns it as the answers leave it. Guarded by
 * the hub's lock.
 */
final class ReleaseAnswers {

    private static final Logger log = LoggerFactory.getLogger(ReleaseAnswers.class);
    private static final String COORDINATOR = "coordinator";

    private final Sessions sessions;
    private final EventLog events;
    private final Clock clock;

    ReleaseAnswers(Sessions sessions, EventLog events, Clock clock) {
        this.sessions = sessions;
        this.events = events;
        this.clock = clock;
    }

    /**
     * {@code session} asks to apply {@code pending}, replacing any request it made before. The
     * migrations are as the agent's files have them now, which may be newer than its hello
     * said: the rule judges what the agent is about to apply.
     */
    Fleet request(Fleet fleet, Session session, long requestId, List<Migration> pending) {
        if (pending.isEmpty()) {
            throw new ProtocolViolation("a release request must name at least one migration");
        }
        RegionState state = fleet.region(session.region).orElseThrow();
        if (state.role() != Role.GLOBAL) {
            rejectRemote(session, requestId);
            return fleet;
        }
        for (Migration migration : pending) {
            state = state.withAvailable(migration);
        }
        session.request = Optional.of(OpenRequest.of(
                requestId, pending.stream().map(Migration::version).toList()));
        return answer(fleet.with(state.seenAt(clock.instant())), session);
    }

    /**
     * A remote applies its migrations at once and only reports them; the rule has nothing to
     * say to one that asks. Told why, its request changes nothing in the fleet.
     */
    private void rejectRemote(Session session, long requestId) {
        String reason = "region " + session.region + " is a remote, and a remote does not ask for release: it "
                + "applies its migrations at once and reports each ('muster-agent migrate' with role: remote); only "
                + "the global's agent asks. If region " + session.region
                + " is the global, its agent's configuration must say role: global";
        log.warn("Region {}'s agent asked for release: {}", session.region, reason);
        session.outbox.release(requestId, new Release.Reject(reason));
        events.record(session.region, EventKind.REJECTED, COORDINATOR, reason);
    }

    /** Judges every open request, and every wait kept for a region whose agent left, by the fleet as it is now. */
    Fleet reconsider(Fleet fleet) {
        List<Integer> asking = new ArrayList<>();
        for (Session session : sessions.all()) {
            if (session.request.isPresent()) {
                fleet = answer(fleet, session);
                asking.add(session.region);
            }
        }
        // so that the fleet never shows a wait on a member removed or a pause lifted since the agent left
        for (RegionState state : List.copyOf(fleet.regions().values())) {
            if (state.waiting().isPresent() && !asking.contains(state.region())) {
                Waiting kept = state.waiting().get();
                // a wait of a region that has since said it is a remote is over: a remote never waits
                Optional<Waiting> waiting = state.role() == Role.GLOBAL
                        ? Waiting.of(ReleaseRule.decide(fleet, state.region(), List.of(kept.version())), kept.since())
                        : Optional.empty();
                if (!waiting.equals(state.waiting())) {
                    fleet = fleet.with(state.withWaiting(waiting));
                }
            }
        }
        return fleet;
    }

    private Fleet answer(Fleet fleet, Session session) {
        OpenRequest request = session.request.orElseThrow();
        Release release = ReleaseRule.decide(fleet, session.region, request.versions());
        if (request.lastSent().equals(Optional.of(release))) {
            return fleet;
        }
        // Go and Reject settle the request; the agent asks again for what remains.
        boolean settled = !(release instanceof Release.Wait || release instanceof Release.Hold);
        session.request = settled ? Optional.empty() : Optional.of(request.sent(release));
        log.info("Region {}: {}", session.region, release);
        session.outbox.release(request.id(), release);
        // after the answer is on its way, so that a Go's event tells when it was sent
        return recorded(fleet, session.region, release);
    }

    private Fleet recorded(Fleet fleet, int region, Release release) {
        RegionState state = fleet.region(region).orElseThrow();
        Optional<Waiting> before = state.waiting();
        // "since" is when the version began to wait, not when the regions it waits on last changed
        Optional<Waiting> waiting = Waiting.of(
                release,
                before.filter(w -> w.version().equals(waitingVersion(release)))
                        .map(Waiting::since)
                        .orElse(clock.instant()));
        if (waiting.isPresent() && before.isPresent() && before.get().sameAs(waiting.get())) {
            return fleet;
        }
        if (release instanceof Release.Wait wait) {
            events.record(
                    region,
                    EventKind.WAITING,
                    COORDINATOR,
                    "migration " + wait.version() + " waits for regions " + wait.regions());
        } else if (release instanceof Release.Hold hold) {
            events.record(
                    region, EventKind.HELD, COORDINATOR, "migration " + hold.version() + " is held: " + hold.reason());
        } else if (release instanceof Release.Go go) {
            events.record(region, EventKind.RELEASED, COORDINATOR, "released up to migration " + go.upToVersion());
        } else if (release instanceof Release.Reject reject) {
            events.record(region, EventKind.REJECTED, COORDINATOR, reject.reason());
        }
        return fleet.with(state.withWaiting(waiting));
    }

    private static String waitingVersion(Release release) {
        if (release instanceof Release.Wait wait) {
            return wait.version();
        }
        if (release instanceof Release.Hold hold) {
            return hold.version();
        }
        return "";
    }
}
