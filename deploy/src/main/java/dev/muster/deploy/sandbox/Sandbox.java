package dev.muster.deploy.sandbox;

import dev.muster.agent.cli.PicocliCommandRunner;
import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.cli.CommandLines;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.metrics.MetricsEndpoint;
import dev.muster.common.net.HostPort;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.cli.MusterCommand;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The manual upgrade procedure of a three-region fleet, replayed on one machine: regions
 * at the first release with replication, replication torn down, the upgrade with the
 * global waiting for region 1 and then region 2, replication again, and verification
 * that nothing written meanwhile was lost.
 */
final class Sandbox implements AutoCloseable {

    static final int GLOBAL = 99;
    static final List<Integer> REMOTES = List.of(1, 2);
    private static final String FIRST = "jansa";
    private static final String SECOND = "kasparov";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int WRITES_PER_REMOTE = 3;

    private final Narrator narrator;
    private final SandboxFleet fleet;
    private final String teardownMode;
    private final Optional<Integer> metricsPort;
    private Coordinator coordinator;
    private final List<AgentDaemon> daemons = new ArrayList<>();
    private final List<MetricsEndpoint> daemonMetrics = new ArrayList<>();

    /**
     * @param metricsPort where the coordinator serves its metrics, the agents' daemons on the
     *                    next ports (regions 1, 2, 99 in that order); empty for none
     */
    Sandbox(Narrator narrator, Path workDir, Path migrations, String teardownMode, Optional<Integer> metricsPort) {
        this.narrator = narrator;
        this.fleet = new SandboxFleet(workDir, migrations, GLOBAL, REMOTES);
        this.teardownMode = teardownMode;
        this.metricsPort = metricsPort;
    }

    void run() throws Exception {
        narrator.say("muster sandbox: the upgrade of regions 99 (global), 1 and 2 from " + FIRST + " to " + SECOND
                + ", replication torn down with --mode " + teardownMode);
        narrator.step("Start PostgreSQL for regions 1, 2 and 99 (wal_level=logical)", this::startServers);
        narrator.step("Start the coordinator (members 1 and 2; its state in region 99's database)",
                this::startCoordinator);
        narrator.step("Record each region and its id range (muster-agent init)", () -> {
            for (int region : fleet.regions()) {
                fleet.agent(region, FIRST, shown(region), "init", "--region", String.valueOf(region));
            }
        });
        narrator.step("Migrate and seed the first release, " + FIRST + " (remotes, then the global)",
                () -> migrateAll(FIRST));
        narrator.step("Start each region's agent daemon (muster-agent run), reporting replication health",
                () -> startDaemons(FIRST));
        narrator.step("Set up replication: publications on the remotes, subscriptions on the global",
                () -> setUpReplication(FIRST));
        narrator.step("Verify: the global has every region's rows", () -> {
            awaitVerified(FIRST);
            narrator.say("    users on the global: " + userIds());
        });
        narrator.step("Tear replication down before the upgrade (--mode " + teardownMode + ")",
                () -> fleet.agent(GLOBAL, FIRST, shown(GLOBAL), "replication", "teardown", "--mode", teardownMode));
        narrator.step("Write on the remotes while replication is down", this::writeDuringTheUpgrade);
        narrator.step("Upgrade to " + SECOND + ": the global waits for region 1, then region 2", this::upgrade);
        narrator.step("Set up replication again on the new release", () -> setUpReplication(SECOND));
        narrator.step("Verify: every row is on the global, also those written during the upgrade", () -> {
            awaitVerified(SECOND);
            long arrived = count(GLOBAL, "SELECT count(*) FROM vms WHERE vendor = 'written during the upgrade'");
            if (arrived != (long) WRITES_PER_REMOTE * REMOTES.size()) {
                throw new MusterException(ExitCode.FAILED, "only " + arrived + " of the "
                        + WRITES_PER_REMOTE * REMOTES.size() + " rows written during the upgrade reached the global");
            }
            narrator.say("    all " + arrived + " rows written on the remotes during the upgrade are on the global");
            narrator.say("    users on the global: " + userIds());
        });
        narrator.step("Replication status: every subscription enabled, its worker running",
                () -> fleet.agent(GLOBAL, SECOND, shown(GLOBAL), "replication", "status"));
        narrator.step("The operator's view of the fleet (muster status)", this::operatorStatus);
        narrator.summary();
    }

    /** What a person can look at while the fleet stays up after the procedure. */
    void explore() {
        narrator.say("");
        narrator.say("The fleet stays up to be explored until you stop the sandbox (Ctrl-C):");
        narrator.say("    muster status --coordinator 127.0.0.1:" + coordinator.port());
        narrator.say("    muster watch --coordinator 127.0.0.1:" + coordinator.port());
        for (int region : fleet.regions()) {
            narrator.say("    region " + region + ": psql -h localhost -p " + fleet.port(region) + " -U "
                    + SandboxFleet.USER + " " + SandboxFleet.DATABASE);
        }
        metricsPort.ifPresent(port -> narrator.say("    metrics: " + metricsUrl(port) + " and the agents' on ports "
                + (port + 1) + " to " + (port + fleet.regions().size())));
    }

    private void startServers() throws Exception {
        for (int region : fleet.regions()) {
            fleet.start(region);
            narrator.say("    region " + region + ": PostgreSQL on port " + fleet.port(region));
        }
    }

    private void startCoordinator() throws Exception {
        DatabaseConfig store = new DatabaseConfig(fleet.jdbcUrl(GLOBAL), SandboxFleet.USER, Optional.empty());
        CoordinatorConfig config = new CoordinatorConfig(new HostPort("127.0.0.1", 0), Optional.of(store), REMOTES,
                metricsPort.map(MetricsConfig::new));
        coordinator = Coordinator.start(config, "sandbox");
        fleet.coordinatorAt("127.0.0.1:" + coordinator.port());
        narrator.say("    listening on 127.0.0.1:" + coordinator.port());
        metricsPort.ifPresent(port -> {
            narrator.say("    metrics: the coordinator's at " + metricsUrl(port));
            for (int region : fleet.regions()) {
                narrator.say("             region " + region + "'s agent daemon at "
                        + metricsUrl(daemonMetricsPort(region).orElseThrow().port()));
            }
        });
    }

    /** The port of region's daemon's metrics: after the coordinator's, in the order of {@link SandboxFleet#regions}. */
    private Optional<MetricsConfig> daemonMetricsPort(int region) {
        return metricsPort.map(port -> new MetricsConfig(port + 1 + fleet.regions().indexOf(region)));
    }

    private static String metricsUrl(int port) {
        return "http://127.0.0.1:" + port + "/metrics";
    }

    private void migrateAll(String release) {
        for (int region : fleet.regions()) {
            fleet.agent(region, release, shown(region), "migrate");
        }
    }

    private void setUpReplication(String release) {
        for (int region : fleet.regions()) {
            fleet.agent(region, release, shown(region), "replication", "setup");
        }
    }

    /**
     * Waits until every subscription runs with every table copied, then until verification
     * passes: the changes made since the copy may still be on their way.
     */
    private void awaitVerified(String release) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        AgentConfig global = AgentConfig.load(fleet.config(GLOBAL, release));
        ReplicationStatus status = new ReplicationStatus(global.database(), global.replication());
        while (!status.subscriptions().stream().allMatch(Sandbox::running)) {
            if (System.nanoTime() > deadline) {
                throw new MusterException(ExitCode.FAILED, "the subscriptions did not all run with every table copied "
                        + "within " + PATIENCE.toSeconds() + " s:\n" + SubscriptionStatus.table(status.subscriptions()));
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        while (true) {
            RegionConsole console = kept(GLOBAL);
            if (fleet.tryAgent(GLOBAL, release, console, "replication", "verify") == 0) {
                console.show();
                return;
            }
            if (System.nanoTime() > deadline) {
                console.show();
                throw new MusterException(ExitCode.FAILED, "replication did not verify within " + PATIENCE.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private static boolean running(SubscriptionStatus subscription) {
        return subscription.enabled() && subscription.workerPid().isPresent() && subscription.tablesNotReady() == 0;
    }

    private void writeDuringTheUpgrade() throws Exception {
        for (int region : REMOTES) {
            try (Connection connection = fleet.database(region).getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO vms (name, vendor) VALUES (?, 'written during the upgrade')")) {
                for (int i = 1; i <= WRITES_PER_REMOTE; i++) {
                    insert.setString(1, "vm-" + region + "-" + i);
                    insert.executeUpdate();
                }
            }
            narrator.say("    region " + region + ": " + WRITES_PER_REMOTE + " vms written");
        }
    }

    /** The heart of it: the global's migrate started first, released only after each remote has migrated. */
    private void upgrade() throws Exception {
        // as on an appliance: the new code restarts the agent's service
        stopDaemons();
        startDaemons(SECOND);
        narrator.say("    the agents' daemons restarted on the code of " + SECOND);
        RegionConsole globalConsole = shown(GLOBAL);
        long started = System.nanoTime();
        ExecutorService background = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "sandbox-global"));
        try {
            CompletableFuture<Void> global = CompletableFuture.runAsync(
                    () -> fleet.agent(GLOBAL, SECOND, globalConsole, "migrate"), background);
            for (int region : REMOTES) {
                awaitLine(globalConsole, global, line -> line.startsWith("Waiting for remote region " + region + " "));
                fleet.agent(region, SECOND, shown(region), "migrate");
            }
            global.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MusterException(ExitCode.FAILED, "the global's migrate did not finish within "
                    + PATIENCE.toSeconds() + " s after region " + REMOTES.get(REMOTES.size() - 1) + " had migrated");
        } finally {
            // interrupts a global still waiting, which ends its migrate and closes its link
            background.shutdownNow();
            background.awaitTermination(10, TimeUnit.SECONDS);
        }
        long waits = globalConsole.lines().stream().filter(line -> line.startsWith("Waiting for")).count();
        narrator.note("the global's migrate printed " + waits + " wait lines and finished "
                + Narrator.seconds(Duration.ofNanos(System.nanoTime() - started)) + " after it started, "
                + "released once region " + REMOTES.get(REMOTES.size() - 1) + " had migrated");
    }

    private void startDaemons(String release) throws IOException {
        for (int region : fleet.regions()) {
            MetricsEndpoint metrics = new MetricsEndpoint(List.of(Tag.of("application", "muster-agent"),
                    Tag.of("region", String.valueOf(region))));
            daemonMetrics.add(metrics);
            metrics.serve(daemonMetricsPort(region));
            AgentDaemon daemon = AgentDaemon.create(AgentConfig.load(fleet.config(region, release)), "sandbox",
                    new PicocliCommandRunner(), metrics.registry());
            daemons.add(daemon);
            daemon.start();
        }
    }

    private void stopDaemons() {
        daemons.forEach(AgentDaemon::close);
        daemons.clear();
        daemonMetrics.forEach(MetricsEndpoint::close);
        daemonMetrics.clear();
    }

    /** Once every daemon has reported healthy replication since {@code since}, what an operator sees. */
    private void operatorStatus() throws InterruptedException {
        Instant since = Instant.now();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!fleet.regions().stream().allMatch(region -> reportedHealthy(region, since))) {
            if (System.nanoTime() > deadline) {
                throw new MusterException(ExitCode.FAILED, "the agents' daemons did not all report healthy replication "
                        + "within " + PATIENCE.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        PrintWriter out = new PrintWriter(new RegionConsole(narrator, "muster", true), true);
        int status = CommandLines.create(new MusterCommand()).setOut(out).setErr(out)
                .execute("status", "--coordinator", "127.0.0.1:" + coordinator.port());
        if (status != 0) {
            throw new MusterException(ExitCode.FAILED, "muster status exited with status " + status);
        }
    }

    private boolean reportedHealthy(int region, Instant since) {
        return coordinator.hub().fleet().region(region)
                .flatMap(RegionState::replication)
                .filter(health -> health.takenAt().isAfter(since))
                .map(ReplicationHealth::healthy)
                .orElse(false);
    }

    /** Waits until the still running global's migrate has printed a line matching {@code wanted}. */
    private static void awaitLine(RegionConsole console, CompletableFuture<Void> running, Predicate<String> wanted)
            throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (console.lines().stream().anyMatch(wanted)) {
                return;
            }
            if (running.isDone()) {
                running.get();
                throw new MusterException(ExitCode.FAILED, "the global's migrate ended before it waited as expected");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new MusterException(ExitCode.FAILED, "the global did not print the expected wait within "
                + PATIENCE.toSeconds() + " s");
    }

    private List<Long> userIds() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = fleet.database(GLOBAL).getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id FROM users ORDER BY id")) {
            while (result.next()) {
                ids.add(result.getLong(1));
            }
        }
        return ids;
    }

    private long count(int region, String sql) throws Exception {
        try (Connection connection = fleet.database(region).getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private RegionConsole shown(int region) {
        return new RegionConsole(narrator, region, true);
    }

    private RegionConsole kept(int region) {
        return new RegionConsole(narrator, region, false);
    }

    @Override
    public void close() {
        try {
            stopDaemons();
            if (coordinator != null) {
                coordinator.close();
            }
        } finally {
            fleet.close();
        }
    }
}
