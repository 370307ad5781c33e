package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventHistory;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.events.MigrationRun;
import dev.muster.coordinator.fleet.Admission;
import dev.muster.coordinator.fleet.Connection;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.ForcedRelease;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Pause;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReleaseRule;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.Waiting;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's live state: the fleet, the agent sessions speaking for its regions,
 * and the release requests they are waiting on. Every change to the fleet re-applies the
 * release rule to every waiting request, so a Go is sent the moment the last member
 * reports. Methods are short and do no I/O beyond handing messages to outboxes and
 * changes to observers, which never block, so callers on gRPC threads are never held up
 * for long.
 */
public final class FleetHub {

    private static final Logger log = LoggerFactory.getLogger(FleetHub.class);
    /** Events kept in memory for watchers; the store keeps them all. */
    public static final int HISTORY = 1000;

    private final Clock clock;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final List<FleetObserver> observers = new CopyOnWriteArrayList<>();
    private final List<FleetEvent> happened = new ArrayList<>();
    private final EventHistory history;
    private final Map<Long, PendingCommand> commands = new HashMap<>();
    private final HistoryRanks ranks = new HistoryRanks();
    private long lastCommandId;
    private Fleet fleet;

    public FleetHub(Fleet fleet, Clock clock) {
        this(fleet, clock, List.of());
    }

    /** @param recent the newest events of the fleet's log, oldest first, for operators who start watching */
    public FleetHub(Fleet fleet, Clock clock, List<FleetEvent> recent) {
        this.fleet = fleet;
        this.clock = clock;
        this.history = new EventHistory(HISTORY, recent);
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
        List<FleetEvent> past = history.newest(Math.max(0, pastEvents));
        observers.add(observer);
        observer.changed(fleet, past);
    }

    public synchronized void unobserve(FleetObserver observer) {
        observers.remove(observer);
    }

    /** The coordinator has started, with a fleet it resumed from its store or one fresh from its configuration. */
    public synchronized void started(String version, boolean resumed) {
        event(
                null,
                EventKind.COORDINATOR_STARTED,
                "coordinator",
                "muster " + version
                        + (resumed
                                ? " resumed the stored fleet: members " + fleet.members()
                                        + (fleet.paused() ? ", paused" : "")
                                : " started a fleet with members " + fleet.members()));
        publish();
    }

    /** Records what an operator's long-running act is doing (an upgrade's phases) in the event log. */
    public synchronized void note(EventKind kind, String actor, String detail) {
        event(null, kind, actor, detail);
        publish();
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
        event(region, kind, actor, reason);
        publish();
    }

    /**
     * Starts a session with the agent's full state. Returns false if the agent was refused
     * (the outbox has been told why); the caller then ends the session.
     */
    public synchronized boolean hello(long sessionId, String peer, AgentHello hello, Outbox outbox) {
        if (sessions.containsKey(sessionId)) {
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
            event(hello.region(), EventKind.REFUSED, "agent from " + peer, refusal.get());
            outbox.refuse(refusal.get());
            publish();
            return false;
        }
        supersedeEarlierSessions(hello.region(), hello.instanceId());
        Connection connection =
                new Connection(sessionId, hello.instanceId(), hello.databaseId(), peer, clock.instant());
        Optional<RegionState> known = fleet.region(hello.region());
        List<Migration> applied =
                known.map(before -> appliedAsOf(hello, before)).orElse(hello.applied());
        Map<String, Migration> knownApplied = known.map(RegionState::applied).orElse(Map.of());
        List<Migration> news = applied.stream()
                .filter(migration -> !knownApplied.containsKey(migration.version()))
                .toList();
        news.forEach(migration -> ranks.learned(
                hello.region(),
                hello.databaseId(),
                migration.version(),
                hello.installation(migration.version()),
                clock.instant()));
        RegionState state = known.map(before -> before.rehello(hello.role(), applied, hello.available(), connection))
                .orElseGet(() ->
                        RegionState.reported(hello.region(), hello.role(), applied, hello.available(), connection));
        fleet = fleet.with(state);
        sessions.put(sessionId, new Session(hello.region(), hello.databaseId(), outbox, hello.daemon()));
        String detail = hello.role().name().toLowerCase() + ", agent " + hello.agentVersion() + " from " + peer + ": "
                + hello.applied().size() + " migrations applied, "
                + hello.available().size() + " available"
                + (fleet.isMember(hello.region()) || hello.role() != Role.REMOTE
                        ? ""
                        : "; not a member, so it gates nothing");
        log.info("Region {} connected ({})", hello.region(), detail);
        event(hello.region(), EventKind.CONNECTED, agentOf(hello.region()), detail);
        if (known.isPresent()) {
            // heard from before: what the region applied meanwhile is recorded, like a report of it
            news.forEach(migration -> migrationApplied(
                    hello.region(),
                    migration,
                    hello.installation(migration.version()).took()));
        } else if (!news.isEmpty()) {
            appliedBeforeKnown(hello, news);
        }
        outbox.welcome(fleet.members());
        reconsiderWaiting();
        publish();
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
        if (state.role() != Role.GLOBAL) {
            rejectRemoteRequest(session, requestId);
            return;
        }
        for (Migration migration : pending) {
            state = state.withAvailable(migration);
        }
        fleet = fleet.with(state);
        fleet = fleet.with(fleet.region(session.region).orElseThrow().seenAt(clock.instant()));
        session.requestId = requestId;
        session.pending = pending.stream().map(Migration::version).toList();
        session.lastSent = null;
        answer(session);
        publish();
    }

    /**
     * A remote applies its migrations at once and only reports them; the rule has nothing to
     * say to one that asks. Told why, its request changes nothing in the fleet.
     */
    private void rejectRemoteRequest(Session session, long requestId) {
        String reason = "region " + session.region + " is a remote, and a remote does not ask for release: it "
                + "applies its migrations at once and reports each ('muster-agent migrate' with role: remote); only "
                + "the global's agent asks. If region " + session.region
                + " is the global, its agent's configuration must say role: global";
        log.warn("Region {}'s agent asked for release: {}", session.region, reason);
        session.outbox.release(requestId, new Release.Reject(reason));
        event(session.region, EventKind.REJECTED, "coordinator", reason);
        publish();
    }

    /** The agent's region committed {@code migration}; where Flyway's history has it is not known. */
    public void applied(long sessionId, Migration migration) {
        applied(sessionId, migration, Installation.UNKNOWN);
    }

    /** The agent's region committed {@code migration}, as {@code installation} in its Flyway history. */
    public synchronized void applied(long sessionId, Migration migration, Installation installation) {
        Session session = session(sessionId, "a migration report");
        RegionState state = fleet.region(session.region).orElseThrow();
        boolean news = !state.applied().containsKey(migration.version());
        fleet = fleet.with(state.withApplied(migration).seenAt(clock.instant()));
        if (news) {
            ranks.learned(session.region, session.databaseId, migration.version(), installation, clock.instant());
            migrationApplied(session.region, migration, installation.took());
        }
        reconsiderWaiting();
        publish();
    }

    /**
     * What {@code hello} says its region has applied, and what the region was known to
     * have applied that committed after the hello was read (another session of the same
     * database reported it first): a hello replaces what was known, but is no older than
     * its own reading.
     */
    private List<Migration> appliedAsOf(AgentHello hello, RegionState before) {
        List<Migration> committedAfter =
                ranks.committedAfter(hello, before.applied().values(), clock.instant());
        List<Migration> applied = new ArrayList<>(hello.applied());
        if (!committedAfter.isEmpty()) {
            log.info(
                    "Region {}'s hello was read before {} committed, which stays applied",
                    hello.region(),
                    committedAfter.stream().map(Migration::version).toList());
            applied.addAll(committedAfter);
        }
        Set<String> versions = applied.stream().map(Migration::version).collect(Collectors.toSet());
        List<String> lost = before.applied().keySet().stream()
                .filter(version -> !versions.contains(version))
                .toList();
        if (!lost.isEmpty()) {
            log.warn(
                    "Region {}'s migration history no longer has {}, which it had applied; its database was "
                            + "restored or recreated, or rows were deleted from its flyway_schema_history",
                    hello.region(),
                    lost);
        }
        return applied;
    }

    private void migrationApplied(int region, Migration migration, Optional<Duration> took) {
        log.info("Region {} applied migration {}", region, migration.version());
        String detail = migration.version() + " (" + migration.description() + ")"
                + took.map(duration -> " in " + duration.toMillis() + " ms").orElse("");
        happened.add(FleetEvent.of(clock.instant(), region, EventKind.MIGRATION_APPLIED, agentOf(region), detail)
                .recording(List.of(new MigrationRun(migration.version(), took))));
    }

    /**
     * What a region had applied when the coordinator first heard of it, as one event that
     * carries every run time to the metrics: a long-lived region's first hello may hold
     * hundreds of migrations, which one event each would bury the log's other events under.
     */
    private void appliedBeforeKnown(AgentHello hello, List<Migration> applied) {
        List<MigrationRun> runs = applied.stream()
                .map(migration -> new MigrationRun(
                        migration.version(),
                        hello.installation(migration.version()).took()))
                .toList();
        List<Duration> timed = runs.stream().flatMap(run -> run.took().stream()).toList();
        String ranFor = timed.isEmpty()
                ? ""
                : "; " + timed.stream().reduce(Duration.ZERO, Duration::plus).toMillis() + " ms in all"
                        + (timed.size() == runs.size() ? "" : " for the " + timed.size() + " whose run time it says");
        String detail = applied.size() + (applied.size() == 1 ? " migration" : " migrations")
                + " applied before the coordinator knew of the region, "
                + (applied.size() == 1
                        ? applied.get(0).version()
                        : "from " + applied.get(0).version() + " to "
                                + applied.get(applied.size() - 1).version())
                + ranFor;
        log.info("Region {}'s history holds {}", hello.region(), detail);
        happened.add(FleetEvent.of(
                        clock.instant(), hello.region(), EventKind.MIGRATION_APPLIED, agentOf(hello.region()), detail)
                .recording(runs));
    }

    public synchronized void failed(long sessionId, String version, String error) {
        Session session = session(sessionId, "a migration failure");
        log.warn("Region {} failed to apply migration {}: {}", session.region, version, error);
        fleet = fleet.with(fleet.region(session.region).orElseThrow().seenAt(clock.instant()));
        event(session.region, EventKind.MIGRATION_FAILED, agentOf(session.region), version + ": " + error);
        publish();
    }

    /** The agent's newest view of replication on its region's server. */
    public synchronized void replicationReport(long sessionId, ReplicationHealth health) {
        Session session = session(sessionId, "a replication report");
        RegionState state = fleet.region(session.region).orElseThrow();
        List<String> before =
                state.replication().map(ReplicationHealth::problems).orElse(List.of());
        List<String> now = health.problems();
        if (!now.equals(before)) {
            String detail = now.isEmpty() ? "replication is healthy" : String.join("; ", now);
            if (now.isEmpty()) {
                log.info("Region {}: {}", session.region, detail);
            } else {
                log.warn("Region {}: {}", session.region, detail);
            }
            event(session.region, EventKind.REPLICATION, agentOf(session.region), detail);
        }
        fleet = fleet.with(state.withReplication(health).seenAt(clock.instant()));
        publish();
    }

    /**
     * A daemon read its region's migration files at {@code readAt}: they contain
     * {@code available}, or, when empty, the same as before. New code counts at once: a plan
     * sees it, and a global waiting on a region whose code lacked a version is answered again.
     */
    public synchronized void codeRead(long sessionId, Optional<List<Migration>> available, Instant readAt) {
        Session session = session(sessionId, "a code report");
        RegionState before = fleet.region(session.region).orElseThrow();
        RegionState after = before.withCode(available, readAt).seenAt(clock.instant());
        fleet = fleet.with(after);
        if (!after.available().equals(before.available())) {
            String detail = "its migration files now contain " + describeCode(after) + " (before: "
                    + describeCode(before) + ")";
            log.info("Region {}: {}", session.region, detail);
            event(session.region, EventKind.CODE, agentOf(session.region), detail);
            reconsiderWaiting();
        }
        publish();
    }

    private static String describeCode(RegionState state) {
        return state.available().size() + " migrations"
                + state.newestAvailable().map(v -> ", newest " + v).orElse("");
    }

    /** The regions with a daemon connected, which carry out steps. */
    public synchronized SortedSet<Integer> regionsWithDaemons() {
        return sessions.values().stream()
                .filter(session -> session.daemon)
                .map(session -> session.region)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether a daemon ({@code muster-agent run}) of {@code region} is connected: only it carries out steps. */
    public synchronized boolean hasDaemon(int region) {
        return sessions.values().stream().anyMatch(session -> session.region == region && session.daemon);
    }

    /**
     * Sends {@code step} to a daemon of {@code region}. The future completes with the
     * daemon's result, even if it comes on a later session of the region (the daemon
     * reconnected meanwhile); it fails at once if the region has no daemon connected. A
     * caller that gives up must {@link #forget} it. Callers wait on it on their own threads:
     * it is completed under the hub's lock.
     */
    public synchronized CompletableFuture<StepResult> command(int region, Step step) {
        CompletableFuture<StepResult> result = new CompletableFuture<>();
        // the newest: an older one may be a restarted daemon's session not yet seen to end
        Optional<Map.Entry<Long, Session>> daemon = sessions.entrySet().stream()
                .filter(entry -> entry.getValue().region == region && entry.getValue().daemon)
                .max(Map.Entry.comparingByKey());
        if (daemon.isEmpty()) {
            result.completeExceptionally(new IllegalStateException("region " + region
                    + " has no agent daemon connected ('muster-agent run'), so nobody can carry out '"
                    + step.describe() + "' there"));
            return result;
        }
        long commandId = ++lastCommandId;
        commands.put(commandId, new PendingCommand(region, step, result));
        daemon.get().getValue().outbox.command(commandId, step);
        return result;
    }

    /** A daemon's answer to command {@code commandId}. */
    public synchronized void commandResult(long sessionId, long commandId, StepResult result) {
        Session session = session(sessionId, "a command result");
        PendingCommand pending = commands.get(commandId);
        if (pending == null || pending.region() != session.region) {
            log.warn(
                    "Ignoring region {}'s result of command {}, which this coordinator is not waiting for",
                    session.region,
                    commandId);
            return;
        }
        commands.remove(commandId);
        pending.result().complete(result);
    }

    /** Stops waiting for the result of {@code result}'s command: its caller gave up. */
    public synchronized void forget(CompletableFuture<StepResult> result) {
        commands.values().removeIf(pending -> pending.result() == result);
    }

    /** The session is over (completed, cancelled or broken). Idempotent. */
    public synchronized void ended(long sessionId) {
        Session session = sessions.remove(sessionId);
        if (session == null) {
            return;
        }

        RegionState state =
                fleet.region(session.region).orElseThrow().without(sessionId).seenAt(clock.instant());
        fleet = fleet.with(state);
        if (state.connected()) {
            log.info(
                    "A session of region {} ended; {} still connected",
                    session.region,
                    state.connections().size());
        } else {
            log.info("Region {} disconnected", session.region);
            event(session.region, EventKind.DISCONNECTED, agentOf(session.region), "its last session ended");
        }
        reconsiderWaiting();
        publish();
    }

    /** An operator makes {@code region} a member: the global waits for it from now on. Returns false if it was one. */
    public synchronized boolean addMember(int region, String actor) {
        if (fleet.isMember(region)) {
            return false;
        }
        if (fleet.region(region).filter(state -> state.role() == Role.GLOBAL).isPresent()) {
            throw new IllegalArgumentException("region " + region + " is the global; only remote regions are members");
        }
        fleet = fleet.withMember(region);
        log.info("Region {} is now a member, added by {}", region, actor);
        event(region, EventKind.MEMBER_ADDED, actor, "the global waits for region " + region + " from now on");
        reconsiderWaiting();
        publish();
        return true;
    }

    /** An operator removes {@code region}: the global no longer waits for it. Returns false if it was not one. */
    public synchronized boolean removeMember(int region, String actor) {
        if (!fleet.isMember(region)) {
            return false;
        }
        fleet = fleet.withoutMember(region);
        log.info("Region {} is no longer a member, removed by {}", region, actor);
        event(region, EventKind.MEMBER_REMOVED, actor, "the global no longer waits for region " + region);
        reconsiderWaiting();
        publish();
        return true;
    }

    /** Holds every release until {@link #resume}. Returns false if the fleet was paused already. */
    public synchronized boolean pause(String reason, String actor) {
        if (fleet.paused()) {
            return false;
        }
        fleet = fleet.withPause(new Pause(reason, actor, clock.instant()));
        log.info("Fleet paused by {}: {}", actor, reason);
        event(null, EventKind.PAUSED, actor, reason);
        reconsiderWaiting();
        publish();
        return true;
    }

    /** Returns false if the fleet was not paused. */
    public synchronized boolean resume(String actor) {
        if (!fleet.paused()) {
            return false;
        }
        fleet = fleet.withoutPause();
        log.info("Fleet resumed by {}", actor);
        event(null, EventKind.RESUMED, actor, "releases go on");
        reconsiderWaiting();
        publish();
        return true;
    }

    /**
     * An operator releases {@code version} to the global without waiting for the members.
     * Returns false if it was released by force already.
     *
     * @throws IllegalArgumentException without a reason, or for a version the global's files do not contain
     */
    public synchronized boolean forceRelease(String version, String reason, String actor) {
        if (version.isBlank()) {
            throw new IllegalArgumentException("name the migration version to release");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a forced release needs a reason, for the event log");
        }
        Optional<RegionState> global = fleet.global();
        if (global.isPresent() && !global.get().available().containsKey(version)) {
            throw new IllegalArgumentException(
                    "the global region " + global.get().region()
                            + "'s migration files do not contain " + version + " ("
                            + global.get()
                                    .newestAvailable()
                                    .map(v -> "its newest is " + v)
                                    .orElse("it has none") + ")");
        }
        if (fleet.forced().containsKey(version)) {
            return false;
        }
        fleet = fleet.withForced(new ForcedRelease(version, reason, actor, clock.instant()));
        List<Integer> notYet = fleet.members().stream()
                .filter(member -> fleet.region(member)
                        .map(state -> !state.applied().containsKey(version))
                        .orElse(true))
                .toList();
        String detail = version + " released by force: " + reason
                + (notYet.isEmpty() ? "" : " (regions " + notYet + " had not applied it)")
                + (fleet.paused() ? "; the fleet is paused, so it goes only once resumed" : "");
        log.warn("Migration {}, by {}", detail, actor);
        event(null, EventKind.FORCED_RELEASE, actor, detail);
        reconsiderWaiting();
        publish();
        return true;
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
        List<Integer> asking = new ArrayList<>();
        for (Session session : sessions.values()) {
            if (session.pending != null) {
                answer(session);
                asking.add(session.region);
            }
        }
        // A region whose agent left while it waited: what it waits on is judged again too,
        // so that the fleet never shows a wait on a member removed or a pause lifted since.
        for (RegionState state : List.copyOf(fleet.regions().values())) {
            if (state.waiting().isPresent() && !asking.contains(state.region())) {
                // a wait of a region that has since said it is a remote is over: a remote never waits
                Optional<Waiting> waiting = state.role() == Role.GLOBAL
                        ? Waiting.of(
                                ReleaseRule.decide(
                                        fleet,
                                        state.region(),
                                        List.of(state.waiting().get().version())),
                                state.waiting().get().since())
                        : Optional.empty();
                if (!waiting.equals(state.waiting())) {
                    fleet = fleet.with(state.withWaiting(waiting));
                }
            }
        }
    }

    private void answer(Session session) {
        Release release = ReleaseRule.decide(fleet, session.region, session.pending);
        if (release.equals(session.lastSent)) {
            return;
        }
        if (release instanceof Release.Wait || release instanceof Release.Hold) {
            session.lastSent = release;
        } else {
            // Go and Reject settle the request; the agent asks again for what remains.
            session.pending = null;
            session.lastSent = null;
        }
        log.info("Region {}: {}", session.region, release);
        session.outbox.release(session.requestId, release);
        // after the answer is on its way, so that a Go's event tells when it was sent
        recordAnswer(session.region, release);
    }

    private void recordAnswer(int region, Release release) {
        RegionState state = fleet.region(region).orElseThrow();
        Optional<Waiting> before = state.waiting();
        // "since" is when the version began to wait, not when the regions it waits on last changed
        Optional<Waiting> waiting = Waiting.of(
                release,
                before.filter(w -> w.version().equals(releaseVersion(release)))
                        .map(Waiting::since)
                        .orElse(clock.instant()));
        if (waiting.isPresent() && before.isPresent() && before.get().sameAs(waiting.get())) {
            return;
        }
        fleet = fleet.with(state.withWaiting(waiting));
        String by = "coordinator";
        if (release instanceof Release.Wait wait) {
            event(
                    region,
                    EventKind.WAITING,
                    by,
                    "migration " + wait.version() + " waits for regions " + wait.regions());
        } else if (release instanceof Release.Hold hold) {
            event(region, EventKind.HELD, by, "migration " + hold.version() + " is held: " + hold.reason());
        } else if (release instanceof Release.Go go) {
            event(region, EventKind.RELEASED, by, "released up to migration " + go.upToVersion());
        } else if (release instanceof Release.Reject reject) {
            event(region, EventKind.REJECTED, by, reject.reason());
        }
    }

    private static String releaseVersion(Release release) {
        if (release instanceof Release.Wait wait) {
            return wait.version();
        }
        if (release instanceof Release.Hold hold) {
            return hold.version();
        }
        return "";
    }

    private void event(Integer region, EventKind kind, String actor, String detail) {
        happened.add(
                region == null
                        ? FleetEvent.ofFleet(clock.instant(), kind, actor, detail)
                        : FleetEvent.of(clock.instant(), region, kind, actor, detail));
    }

    /** Tells the observers what changed; called once at the end of every change. */
    private void publish() {
        List<FleetEvent> events = List.copyOf(happened);
        happened.clear();
        history.changed(fleet, events);
        for (FleetObserver observer : observers) {
            observer.changed(fleet, events);
        }
    }

    /** @param region only a session of this region may answer it: a daemon that reconnected still can */
    private record PendingCommand(int region, Step step, CompletableFuture<StepResult> result) {}

    private static String agentOf(int region) {
        return "region " + region + "'s agent";
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
        final String databaseId;
        final Outbox outbox;
        long requestId;
        List<String> pending;
        Release lastSent;

        final boolean daemon;

        Session(int region, String databaseId, Outbox outbox, boolean daemon) {
            this.region = region;
            this.databaseId = databaseId;
            this.outbox = outbox;
            this.daemon = daemon;
        }
    }
}
