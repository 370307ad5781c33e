package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventHistory;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Admission;
import dev.muster.coordinator.fleet.Connection;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's live state: the fleet, the agent sessions speaking for its regions,
 * and the release requests they are waiting on. Every change to the fleet re-applies the
 * release rule to every waiting request, so a Go is sent the moment the last member
 * reports. Methods are short and do no I/O beyond handing messages to outboxes and
 * changes to observers, which never block, so callers on gRPC threads are never held up
 * for long.
 *
 * <p>This class owns the lock and the fleet, and delegates under that lock: {@link Sessions}
 * (who speaks for which region), {@link AppliedMigrations} (Hellos and reports of what
 * regions applied), {@link RegionReports} (their other reports), {@link ReleaseAnswers},
 * {@link DaemonCommands}, {@link OperatorActions}, and the {@link EventLog} that tells
 * observers of each change.
 */
public final class FleetHub {

    private static final Logger log = LoggerFactory.getLogger(FleetHub.class);
    /** Events kept in memory for watchers; the store keeps them all. */
    public static final int HISTORY = 1000;

    private final Clock clock;
    private final EventLog events;
    private final Sessions sessions = new Sessions();
    private final AppliedMigrations applied;
    private final ReleaseAnswers releases;
    private final DaemonCommands commands = new DaemonCommands();
    private Fleet fleet;

    public FleetHub(Fleet fleet, Clock clock) {
        this(fleet, clock, List.of());
    }

    /** @param recent the newest events of the fleet's log, oldest first, for operators who start watching */
    public FleetHub(Fleet fleet, Clock clock, List<FleetEvent> recent) {
        this.fleet = fleet;
        this.clock = clock;
        this.events = new EventLog(clock, new EventHistory(HISTORY, recent));
        this.applied = new AppliedMigrations(clock);
        this.releases = new ReleaseAnswers(sessions, events, clock);
    }

    public synchronized Fleet fleet() {
        return fleet;
    }

    /** {@code observer} learns of every later change, in order, and gets the fleet as it is now. */
    public synchronized void observe(FleetObserver observer) {
        observe(observer, 0);
    }

    /**
     * Like {@link #observe(FleetObserver)}, but the first call also carries the newest
     * {@code pastEvents} events (at most {@value #HISTORY}): nothing is missed or repeated in between.
     */
    public synchronized void observe(FleetObserver observer, int pastEvents) {
        events.observe(observer, pastEvents, fleet);
    }

    public synchronized void unobserve(FleetObserver observer) {
        events.unobserve(observer);
    }

    /** The coordinator has started, with a fleet it resumed from its store or one fresh from its configuration. */
    public synchronized void started(String version, boolean resumed) {
        String detail = resumed
                ? " resumed the stored fleet: members " + fleet.members() + (fleet.paused() ? ", paused" : "")
                : " started a fleet with members " + fleet.members();
        events.record(null, EventKind.COORDINATOR_STARTED, "coordinator", "muster " + version + detail);
        events.publish(fleet);
    }

    /** Records what an operator's long-running act is doing (an upgrade's phases) in the event log. */
    public synchronized void note(EventKind kind, String actor, String detail) {
        events.record(null, kind, actor, detail);
        events.publish(fleet);
    }

    /**
     * Records a party turned away before it reached the fleet: at the TLS handshake, or
     * because its certificate does not allow what it asked ({@link EventKind#REFUSED} for a
     * would-be agent, {@link EventKind#DENIED} for an operator's call). Nothing else changes.
     *
     * @param region the region it claimed or its certificate names, if any
     */
    public synchronized void turnedAway(EventKind kind, Integer region, String actor, String reason) {
        if (kind != EventKind.REFUSED && kind != EventKind.DENIED) {
            throw new IllegalArgumentException("not a refusal: " + kind);
        }
        log.warn("Refused {}: {}", actor, reason);
        events.record(region, kind, actor, reason);
        events.publish(fleet);
    }

    /**
     * Starts a session with the agent's full state. Returns false if the agent was refused
     * (the outbox has been told why); the caller then ends the session.
     */
    public synchronized boolean hello(long sessionId, String peer, AgentHello hello, Outbox outbox) {
        if (sessions.isOpen(sessionId)) {
            throw new ProtocolViolation("hello may be sent only once, as the first message of a session");
        }
        Optional<String> refusal = Admission.refusal(
                fleet, new Admission.Claim(hello.region(), hello.role(), hello.instanceId(), hello.databaseId()));
        if (refusal.isPresent()) {
            log.warn(
                    "Refused agent from {} claiming region {} as {}: {}",
                    peer,
                    hello.region(),
                    hello.role(),
                    refusal.get());
            events.record(hello.region(), EventKind.REFUSED, "agent from " + peer, refusal.get());
            outbox.refuse(refusal.get());
            events.publish(fleet);
            return false;
        }
        fleet = sessions.supersedeEarlier(fleet, hello.region(), hello.instanceId());
        String detail = hello.role().name().toLowerCase() + ", agent " + hello.agentVersion() + " from " + peer + ": "
                + hello.applied().size() + " migrations applied, "
                + hello.available().size() + " available"
                + (fleet.isMember(hello.region()) || hello.role() != Role.REMOTE
                        ? ""
                        : "; not a member, so it gates nothing");
        log.info("Region {} connected ({})", hello.region(), detail);
        events.record(hello.region(), EventKind.CONNECTED, EventLog.agentOf(hello.region()), detail);
        Connection connection =
                new Connection(sessionId, hello.instanceId(), hello.databaseId(), peer, clock.instant());
        take(applied.hello(fleet.region(hello.region()), hello, connection));
        sessions.add(new Session(sessionId, hello, outbox));
        outbox.welcome(fleet.members());
        changed(OptionalInt.of(hello.region()));
        return true;
    }

    /**
     * The agent asks to apply {@code pending}, in order; replaces any earlier request of the
     * session. Only the global asks: a remote's request is rejected.
     */
    public synchronized void requestRelease(long sessionId, long requestId, List<Migration> pending) {
        Session session = sessions.get(sessionId, "a release request");
        fleet = releases.request(fleet, session, requestId, pending);
        events.publish(fleet);
    }

    /**
     * Turns down {@code region}'s open release request, if any, for {@code reason}; see
     * {@link ReleaseAnswers#withdraw}.
     */
    public synchronized void withdrawRelease(int region, String reason) {
        Fleet before = fleet;
        fleet = releases.withdraw(fleet, region, reason);
        // the upgrade asks again and again while a step runs: only a request turned down is news
        if (fleet != before) {
            events.publish(fleet);
        }
    }

    /** The agent's region committed {@code migration}; where Flyway's history has it is not known. */
    public void applied(long sessionId, Migration migration) {
        applied(sessionId, migration, Installation.UNKNOWN);
    }

    /** The agent's region committed {@code migration}, as {@code installation} in its Flyway history. */
    public synchronized void applied(long sessionId, Migration migration, Installation installation) {
        Session session = sessions.get(sessionId, "a migration report");
        take(applied.report(session, region(session), migration, installation));
        changed(OptionalInt.of(session.region));
    }

    public synchronized void failed(long sessionId, String version, String error) {
        Session session = sessions.get(sessionId, "a migration failure");
        take(RegionReports.failed(region(session), version, error, clock.instant()));
        events.publish(fleet);
    }

    /** The agent's newest view of replication on its region's server. */
    public synchronized void replicationReport(long sessionId, ReplicationHealth health) {
        Session session = sessions.get(sessionId, "a replication report");
        take(RegionReports.replication(region(session), health, clock.instant()));
        events.publish(fleet);
    }

    /**
     * A daemon read its region's migration files at {@code readAt}: they contain
     * {@code available}, or, when empty, the same as before. New code counts at once: a plan
     * sees it, and a global waiting on a region whose code lacked a version is answered again.
     */
    public synchronized void codeRead(long sessionId, Optional<List<Migration>> available, Instant readAt) {
        Session session = sessions.get(sessionId, "a code report");
        RegionUpdate update = RegionReports.code(region(session), available, readAt, clock.instant());
        take(update);
        if (update.events().isEmpty()) {
            events.publish(fleet);
        } else {
            changed(OptionalInt.of(session.region));
        }
    }

    /** The regions with a daemon connected, which carry out steps. */
    public synchronized SortedSet<Integer> regionsWithDaemons() {
        return sessions.regionsWithDaemons();
    }

    /** Whether a daemon ({@code muster-agent run}) of {@code region} is connected: only it carries out steps. */
    public synchronized boolean hasDaemon(int region) {
        return sessions.newestDaemon(region).isPresent();
    }

    /**
     * Sends {@code step} to a daemon of {@code region}. The future completes with the
     * daemon's result, even if it comes on a later session of the region (the daemon
     * reconnected meanwhile); it fails at once if the region has no daemon connected. A
     * caller that gives up must {@link #forget} it. Callers wait on it on their own threads:
     * it is completed under the hub's lock.
     */
    public synchronized CompletableFuture<StepResult> command(int region, Step step) {
        return commands.send(region, step, sessions.newestDaemon(region));
    }

    /** A daemon's answer to command {@code commandId}. */
    public synchronized void commandResult(long sessionId, long commandId, StepResult result) {
        commands.resultOf(sessions.get(sessionId, "a command result"), commandId, result);
    }

    /** Stops waiting for the result of {@code result}'s command: its caller gave up. */
    public synchronized void forget(CompletableFuture<StepResult> result) {
        commands.forget(result);
    }

    /** The session is over (completed, cancelled or broken). Idempotent. */
    public synchronized void ended(long sessionId) {
        Optional<RegionUpdate> update = sessions.end(fleet, sessionId, clock.instant());
        if (update.isPresent()) {
            take(update.get());
            changed(OptionalInt.of(update.get().state().region()));
        }
    }

    /** An operator makes {@code region} a member: the global waits for it from now on. Returns false if it was one. */
    public synchronized boolean addMember(int region, String actor) {
        return apply(OperatorActions.addMember(fleet, region, actor, clock.instant()));
    }

    /** An operator removes {@code region}: the global no longer waits for it. Returns false if it was not one. */
    public synchronized boolean removeMember(int region, String actor) {
        return apply(OperatorActions.removeMember(fleet, region, actor, clock.instant()));
    }

    /** Holds every release until {@link #resume}. Returns false if the fleet was paused already. */
    public synchronized boolean pause(String reason, String actor) {
        return apply(OperatorActions.pause(fleet, reason, actor, clock.instant()));
    }

    /** Returns false if the fleet was not paused. */
    public synchronized boolean resume(String actor) {
        return apply(OperatorActions.resume(fleet, actor, clock.instant()));
    }

    /**
     * An operator releases {@code version} to the global without waiting for the members.
     * Returns false if it was released by force already.
     *
     * @throws IllegalArgumentException without a reason, or for a version the global's files do not contain
     */
    public synchronized boolean forceRelease(String version, String reason, String actor) {
        return apply(OperatorActions.forceRelease(fleet, version, reason, actor, clock.instant()));
    }

    private boolean apply(Optional<OperatorActions.Change> change) {
        if (change.isEmpty()) {
            return false;
        }
        fleet = change.get().fleet();
        events.add(change.get().event());
        changed(OptionalInt.empty());
        return true;
    }

    private void take(RegionUpdate update) {
        fleet = fleet.with(update.state());
        update.events().forEach(events::add);
    }

    private RegionState region(Session session) {
        return fleet.region(session.region).orElseThrow();
    }

    /**
     * The fleet changed, only region {@code region}'s part of it if one is given: every waiting
     * request is answered again, then observers hear of it all.
     */
    private void changed(OptionalInt region) {
        fleet = releases.reconsider(fleet, region);
        events.publish(fleet);
    }
}
