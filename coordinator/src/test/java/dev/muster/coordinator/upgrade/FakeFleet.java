package dev.muster.coordinator.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Members 1 and 2 and the global 99 of a real hub, spoken for by fake agents. A fake daemon
 * carries out steps on a thread of its own and does to the fleet what a real daemon's command
 * would; every step sent and every answer is kept in a journal, in the order they happened.
 */
final class FakeFleet implements AutoCloseable {

    static final int GLOBAL = 99;
    static final String V1 = "20200101000000";
    static final String V2 = "20200424183342";
    static final String V3 = "20200801120000";
    /** What every region's migration files contain. */
    static final List<String> FILES = List.of(V1, V2, V3);

    /** How the global's subscriptions look in its replication report. */
    enum Subscriptions {
        UP,
        UP_WITHOUT_WORKER,
        DISABLED,
        ABSENT
    }

    /** A step sent to a daemon, or its answer. */
    record Entry(boolean done, long commandId, int region, Step step) {
        @Override
        public String toString() {
            return region + ": " + step.describe();
        }
    }

    private final FleetHub hub;
    private final ExecutorService daemonThreads = Executors.newCachedThreadPool();
    private final AtomicLong nextSessionId = new AtomicLong();
    private final List<Entry> journal = new CopyOnWriteArrayList<>();
    private final List<FakeDaemon> daemons = new CopyOnWriteArrayList<>();

    FakeFleet(FleetHub hub) {
        this.hub = hub;
    }

    @Override
    public void close() throws InterruptedException {
        daemons.forEach(FakeDaemon::openAllGates);
        daemonThreads.shutdownNow();
        assertThat(daemonThreads.awaitTermination(10, TimeUnit.SECONDS))
                .as("fake daemons stopped")
                .isTrue();
    }

    /** Each region with V1 applied and V2, V3 in its files; replication up and healthy. */
    void standard() {
        connectGlobal(List.of(V1), Subscriptions.UP);
        connectRemote(1, List.of(V1));
        connectRemote(2, List.of(V1));
    }

    /** The global's daemon; without {@code subscriptions} it has not reported its replication yet. */
    void connectGlobal(List<String> applied, Subscriptions subscriptions) {
        FakeDaemon global = new FakeDaemon(GLOBAL, applied, true);
        global.connect();
        if (subscriptions != null) {
            hub.replicationReport(global.sessionId, globalHealth(subscriptions));
        }
    }

    void connectRemote(int region, List<String> applied) {
        FakeDaemon remote = new FakeDaemon(region, applied, true);
        remote.connect();
        hub.replicationReport(remote.sessionId, remoteHealth(region, "reserved"));
    }

    /** {@code muster-agent migrate} run by hand on {@code region}: connected, but it carries out no steps. */
    void connectByHand(int region, List<String> applied) {
        new FakeDaemon(region, applied, false).connect();
    }

    FakeDaemon daemon(int region) {
        return daemons.stream()
                .filter(daemon -> daemon.region == region && daemon.daemon)
                .findFirst()
                .orElseThrow();
    }

    /** The steps sent, as "region: step", in order. */
    List<String> sent() {
        return journal.stream()
                .filter(entry -> !entry.done())
                .map(Entry::toString)
                .toList();
    }

    /**
     * Each step sent before every step sent earlier was answered, as "earlier → later"; only
     * the migrations may go together: the remotes' at once, the global's beside them, gated
     * by the release rule.
     */
    List<String> stepsSentTooEarly() {
        List<Entry> entries = List.copyOf(journal);
        List<String> tooEarly = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry later = entries.get(i);
            if (later.done()) {
                continue;
            }
            for (Entry earlier : entries.subList(0, i)) {
                boolean together = earlier.step() instanceof Step.Migrate && later.step() instanceof Step.Migrate;
                if (!earlier.done()
                        && !together
                        && !entries.subList(0, i)
                                .contains(new Entry(true, earlier.commandId(), earlier.region(), earlier.step()))) {
                    tooEarly.add(earlier + " → " + later);
                }
            }
        }
        return tooEarly;
    }

    /** The steps sent and not answered, as "region: step". */
    List<String> stepsStillRunning() {
        List<Entry> entries = List.copyOf(journal);
        return entries.stream()
                .filter(entry -> !entry.done()
                        && !entries.contains(new Entry(true, entry.commandId(), entry.region(), entry.step())))
                .map(Entry::toString)
                .toList();
    }

    static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    static ReplicationHealth globalHealth(Subscriptions state) {
        List<ReplicationHealth.Subscription> subscriptions = new ArrayList<>();
        for (int region : List.of(1, 2)) {
            boolean exists = state != Subscriptions.ABSENT;
            boolean enabled = state == Subscriptions.UP || state == Subscriptions.UP_WITHOUT_WORKER;
            subscriptions.add(new ReplicationHealth.Subscription(
                    "region_" + region + "_subscription",
                    OptionalInt.of(region),
                    true,
                    exists,
                    enabled,
                    state == Subscriptions.UP,
                    Optional.of("0/3000060"),
                    Optional.of("0/3000060"),
                    Optional.of(Instant.now()),
                    OptionalLong.of(0),
                    0,
                    Optional.empty()));
        }
        return new ReplicationHealth(Instant.now(), subscriptions, Optional.empty(), List.of(), Optional.empty());
    }

    /** A remote's publication in step and its subscriber's slot with {@code walStatus}. */
    static ReplicationHealth remoteHealth(int region, String walStatus) {
        return new ReplicationHealth(
                Instant.now(),
                List.of(),
                Optional.of(new ReplicationHealth.Publication("miq", true, 3, List.of(), List.of())),
                List.of(new ReplicationHealth.Slot(
                        "region_" + region + "_subscription",
                        true,
                        OptionalLong.of(4096),
                        Optional.of(walStatus),
                        OptionalLong.empty(),
                        OptionalLong.of(0),
                        Optional.empty())),
                Optional.empty());
    }

    /**
     * A region's agent process. As a daemon it carries out steps on a thread of its own, as
     * {@code muster-agent run} would: a remote's migrate applies and reports each version
     * up to the target; the global's asks for release and applies what the hub lets go.
     */
    final class FakeDaemon implements Outbox {
        final int region;
        final boolean daemon;
        final String instanceId;
        final Map<String, Migration> applied = new LinkedHashMap<>();
        final Map<Class<? extends Step>, Deque<Integer>> exits = new ConcurrentHashMap<>();
        /** Steps of these kinds are never answered. */
        final Set<Class<? extends Step>> silent = ConcurrentHashMap.newKeySet();

        final Map<Class<? extends Step>, CountDownLatch> gates = new ConcurrentHashMap<>();
        /** For the global: each version it applied, and the members that lacked it then. */
        final Map<String, List<Integer>> membersWithoutVersionWhenApplied = new ConcurrentHashMap<>();
        /** A remote's migrate reports success having applied only up to this version, if set. */
        volatile String appliesUpTo;

        volatile long sessionId;
        private long requestId;
        private long migrateCommand;
        private String migrateTarget;

        FakeDaemon(int region, List<String> applied, boolean daemon) {
            this.region = region;
            this.daemon = daemon;
            this.instanceId = (daemon ? "daemon-of-region-" : "migrate-of-region-") + region;
            applied.forEach(version -> this.applied.put(version, migration(version)));
            daemons.add(this);
        }

        void connect() {
            long session = nextSessionId.incrementAndGet();
            List<Migration> done;
            synchronized (this) {
                done = List.copyOf(applied.values());
            }
            AgentHello hello = new AgentHello(
                    region,
                    region == GLOBAL ? Role.GLOBAL : Role.REMOTE,
                    "test",
                    instanceId,
                    "database-of-region-" + region,
                    done,
                    FILES.stream().map(FakeFleet::migration).toList(),
                    daemon);
            sessionId = session;
            assertThat(hub.hello(session, "peer-" + session, hello, this))
                    .as("region %d admitted", region)
                    .isTrue();
        }

        /** The daemon's session broke and it connected again. */
        void reconnect() {
            hub.ended(sessionId);
            connect();
        }

        /** The exit statuses of the next steps of a kind, in order; 0 (and the step's effects) after them. */
        void exits(Class<? extends Step> step, Integer... statuses) {
            exits.put(step, new ConcurrentLinkedDeque<>(List.of(statuses)));
        }

        /** Steps of this kind wait until {@link #open} before they are carried out. */
        void gate(Class<? extends Step> step) {
            gates.put(step, new CountDownLatch(1));
        }

        void open(Class<? extends Step> step) {
            gates.get(step).countDown();
        }

        void openAllGates() {
            gates.values().forEach(CountDownLatch::countDown);
        }

        synchronized boolean applied(String version) {
            return applied.containsKey(version);
        }

        @Override
        public void command(long commandId, Step step) {
            if (step instanceof Step.ReadCode) {
                // before a plan: not a step of the procedure, so not in the journal
                daemonThreads.execute(() -> hub.commandResult(
                        sessionId, commandId, new StepResult(0, List.of("read its migration files"))));
                return;
            }
            journal.add(new Entry(false, commandId, region, step));
            if (!silent.contains(step.getClass())) {
                daemonThreads.execute(() -> carryOut(commandId, step));
            }
        }

        private void carryOut(long commandId, Step step) {
            CountDownLatch gate = gates.get(step.getClass());
            try {
                if (gate != null) {
                    gate.await();
                }
            } catch (InterruptedException e) {
                return;
            }
            Deque<Integer> scripted = exits.get(step.getClass());
            Integer exit = scripted == null ? null : scripted.poll();
            if (exit != null && exit != 0) {
                answer(commandId, exit, List.of(step.describe() + " failed"));
                return;
            }
            if (step instanceof Step.Migrate migrate) {
                if (region == GLOBAL) {
                    migrateGlobal(commandId, migrate.targetVersion());
                } else {
                    migrateRemote(commandId, migrate.targetVersion());
                }
            } else if (step instanceof Step.Teardown) {
                hub.replicationReport(sessionId, globalHealth(Subscriptions.ABSENT));
                answer(commandId, 0, List.of("replication torn down"));
            } else if (step instanceof Step.SetUp) {
                if (region == GLOBAL) {
                    hub.replicationReport(sessionId, globalHealth(Subscriptions.UP));
                }
                answer(commandId, 0, List.of("replication set up"));
            } else {
                answer(commandId, 0, List.of("replication verified"));
            }
        }

        private void migrateRemote(long commandId, String target) {
            List<String> lines = new ArrayList<>();
            String upTo = appliesUpTo == null ? target : appliesUpTo;
            for (String version : pendingUpTo(upTo)) {
                apply(version);
                lines.add("Applied " + version);
            }
            answer(commandId, 0, lines);
        }

        private void migrateGlobal(long commandId, String target) {
            List<String> pending = pendingUpTo(target);
            if (pending.isEmpty()) {
                answer(commandId, 0, List.of("Nothing to apply"));
                return;
            }
            long request;
            synchronized (this) {
                migrateCommand = commandId;
                migrateTarget = target;
                request = ++requestId;
            }
            hub.requestRelease(
                    sessionId,
                    request,
                    pending.stream().map(FakeFleet::migration).toList());
        }

        /** Called with the hub's lock held: the work goes to a thread of the daemon's own. */
        @Override
        public void release(long requestId, Release release) {
            daemonThreads.execute(() -> released(release));
        }

        private void released(Release release) {
            long commandId;
            String target;
            synchronized (this) {
                commandId = migrateCommand;
                target = migrateTarget;
            }
            if (target == null) {
                return;
            }
            if (release instanceof Release.Go go) {
                List<String> lines = new ArrayList<>();
                for (String version : pendingUpTo(go.upToVersion())) {
                    apply(version);
                    lines.add("Applied " + version);
                }
                if (applied(target)) {
                    synchronized (this) {
                        migrateTarget = null;
                    }
                    answer(commandId, 0, lines);
                } else {
                    migrateGlobal(commandId, target);
                }
            } else if (release instanceof Release.Reject reject) {
                synchronized (this) {
                    migrateTarget = null;
                }
                answer(commandId, 1, List.of(reject.reason()));
            }
        }

        private synchronized List<String> pendingUpTo(String target) {
            List<String> pending = new ArrayList<>();
            for (String version : FILES) {
                if (!applied.containsKey(version)) {
                    pending.add(version);
                }
                if (version.equals(target)) {
                    break;
                }
            }
            return pending;
        }

        private void apply(String version) {
            if (region == GLOBAL) {
                membersWithoutVersionWhenApplied.put(
                        version,
                        List.of(1, 2).stream()
                                .filter(member -> !hub.fleet()
                                        .region(member)
                                        .orElseThrow()
                                        .applied()
                                        .containsKey(version))
                                .toList());
            }
            synchronized (this) {
                applied.put(version, migration(version));
            }
            hub.applied(sessionId, migration(version));
        }

        private void answer(long commandId, int exitStatus, List<String> lines) {
            journal.add(new Entry(true, commandId, region, stepOf(commandId)));
            hub.commandResult(sessionId, commandId, new StepResult(exitStatus, lines));
        }

        private Step stepOf(long commandId) {
            return journal.stream()
                    .filter(entry -> entry.commandId() == commandId && !entry.done())
                    .map(Entry::step)
                    .findFirst()
                    .orElseThrow();
        }

        @Override
        public void welcome(SortedSet<Integer> memberRegions) {}

        @Override
        public void refuse(String reason) {
            throw new AssertionError("region " + region + " refused: " + reason);
        }

        @Override
        public void supersede() {}
    }
}
