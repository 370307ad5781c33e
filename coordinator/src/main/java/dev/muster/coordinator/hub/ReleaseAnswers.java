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
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
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
    private static final int LOGGED_BLOCKERS = 10;

    private final Sessions sessions;
    private final EventLog events;
    private final Clock clock;
    /** The sessions whose request is open, so that a change looks at them alone. */
    private final Set<Session> asking = new LinkedHashSet<>();
    /** The regions whose state shows a wait; null until first needed, then kept up to date here. */
    private Set<Integer> waiting;

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
        asking.add(session);
        return answer(fleet.with(state.seenAt(clock.instant())), session, OptionalInt.empty());
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

    /**
     * Turns down the open request of {@code region}'s agent, if it has one, for {@code reason}:
     * its migrate ends, having applied only what was released before. A request made after
     * this is answered by the rule as ever.
     */
    Fleet withdraw(Fleet fleet, int region, String reason) {
        for (Session session : List.copyOf(asking)) {
            if (session.region != region || session.request.isEmpty()) {
                continue;
            }
            OpenRequest request = session.request.get();
            Release reject = new Release.Reject(reason);
            session.request = Optional.empty();
            asking.remove(session);
            log.info("Region {}: {}", region, reject);
            session.outbox.release(request.id(), reject);
            fleet = recorded(fleet, region, reject, request.lastSent());
        }
        return fleet;
    }

    /**
     * Judges every open request, and every wait kept for a region whose agent left, by the
     * fleet as it is now. When only region {@code changed} changed, each answer is revised from
     * the one before ({@link ReleaseRule#revise}) rather than decided over every member again.
     */
    Fleet reconsider(Fleet fleet, OptionalInt changed) {
        Set<Integer> answered = new HashSet<>();
        for (Session session : List.copyOf(asking)) {
            if (session.request.isEmpty() || !sessions.isOpen(session.id)) {
                asking.remove(session);
                continue;
            }
            fleet = answer(fleet, session, changed);
            answered.add(session.region);
        }
        // so that the fleet never shows a wait on a member removed or a pause lifted since the agent left
        for (int region : List.copyOf(waiting(fleet))) {
            Optional<RegionState> known = fleet.region(region);
            if (known.isEmpty() || known.get().waiting().isEmpty()) {
                waiting.remove(region);
                continue;
            }
            RegionState state = known.get();
            if (!answered.contains(region)) {
                Waiting kept = state.waiting().get();
                // a wait of a region that has since said it is a remote is over: a remote never waits
                Optional<Waiting> now = state.role() == Role.GLOBAL
                        ? Waiting.of(ReleaseRule.decide(fleet, region, List.of(kept.version())), kept.since())
                        : Optional.empty();
                if (!now.equals(state.waiting())) {
                    fleet = withWaiting(fleet, state, now);
                }
            }
        }
        return fleet;
    }

    private Set<Integer> waiting(Fleet fleet) {
        if (waiting == null) {
            waiting = new HashSet<>();
            fleet.regions().values().stream()
                    .filter(state -> state.waiting().isPresent())
                    .forEach(state -> waiting.add(state.region()));
        }
        return waiting;
    }

    private Fleet withWaiting(Fleet fleet, RegionState state, Optional<Waiting> now) {
        if (now.isPresent()) {
            waiting(fleet).add(state.region());
        } else {
            waiting(fleet).remove(state.region());
        }
        return fleet.with(state.withWaiting(now));
    }

    private Fleet answer(Fleet fleet, Session session, OptionalInt changed) {
        OpenRequest request = session.request.orElseThrow();
        Release release = changed.isPresent() && request.decided().isPresent()
                ? ReleaseRule.revise(
                        fleet,
                        session.region,
                        request.versions(),
                        request.decided().get(),
                        changed.getAsInt())
                : ReleaseRule.decide(fleet, session.region, request.versions());
        if (request.decided().equals(Optional.of(release))) {
            return fleet;
        }
        if (request.lastSent().equals(Optional.of(release))) {
            session.request = Optional.of(request.decided(release));
            return fleet;
        }
        if (!WaitUpdates.worthSending(request.lastSent(), release)) {
            session.request = Optional.of(request.decided(release));
            RegionState state = fleet.region(session.region).orElseThrow();
            Instant since = state.waiting().map(Waiting::since).orElseGet(clock::instant);
            return withWaiting(fleet, state, Waiting.of(release, since));
        }
        // Go and Reject settle the request; the agent asks again for what remains.
        boolean settled = !(release instanceof Release.Wait || release instanceof Release.Hold);
        session.request = settled ? Optional.empty() : Optional.of(request.sent(release));
        if (settled) {
            asking.remove(session);
        }
        log.info("Region {}: {}", session.region, logged(release));
        session.outbox.release(request.id(), release);
        // after the answer is on its way, so that a Go's event tells when it was sent
        return recorded(fleet, session.region, release, request.lastSent());
    }

    /** @param lastSent what the agent was told before: a wait kept up to date quietly since is news to it */
    private Fleet recorded(Fleet fleet, int region, Release release, Optional<Release> lastSent) {
        RegionState state = fleet.region(region).orElseThrow();
        Optional<Waiting> before = state.waiting();
        // "since" is when the version began to wait, not when the regions it waits on last changed
        Optional<Waiting> now = Waiting.of(
                release,
                before.filter(w -> w.version().equals(waitingVersion(release)))
                        .map(Waiting::since)
                        .orElse(clock.instant()));
        if (now.isPresent()
                && before.isPresent()
                && before.get().sameAs(now.get())
                && lastSent.flatMap(sent -> Waiting.of(sent, before.get().since()))
                        .map(told -> told.sameAs(now.get()))
                        .orElse(true)) {
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
        return withWaiting(fleet, state, now);
    }

    /** The answer for the log: a wait on thousands of regions names the first few and how many, not every reason. */
    private static Object logged(Release release) {
        if (release instanceof Release.Wait wait && wait.blockers().size() > LOGGED_BLOCKERS) {
            return "Wait[version=" + wait.version() + ", on " + wait.blockers().size() + " regions, first "
                    + wait.blockers().subList(0, LOGGED_BLOCKERS) + "]";
        }
        return release;
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
