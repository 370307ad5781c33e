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
import dev.muster.common.time.Deadline;
import dev.muster.common.tls.Identity;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.access.OperatorRole;
import dev.muster.coordinator.access.Operators;
import dev.muster.coordinator.access.TransportSecurity;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

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
    private final Path workDir;
    private final SandboxFleet fleet;
    private final String teardownMode;
    private final boolean seedOrder;
    private final Optional<Integer> metricsPort;
    private Coordinator coordinator;
    private SandboxCertificates certificates;
    private final List<AgentDaemon> daemons = new ArrayList<>();
    private final List<MetricsEndpoint> daemonMetrics = new ArrayList<>();

    /**
     * @param metricsPort where the coordinator serves its metrics, the agents' daemons on the
     *                    next ports (regions 1, 2, 99 in that order); empty for none
     */
    /**
     * @param seedOrder the seed's order: replication set up again on the new release before
     *                  migrating, so that the fleet migrates with replication live
     */
    Sandbox(
            Narrator narrator,
            Path workDir,
            Path migrations,
            String teardownMode,
            boolean seedOrder,
            Optional<Integer> metricsPort) {
        this.narrator = narrator;
        this.workDir = workDir;
        this.fleet = new SandboxFleet(workDir, migrations, GLOBAL, REMOTES);
        this.teardownMode = teardownMode;
        this.seedOrder = seedOrder;
        this.metricsPort = metricsPort;
    }

    void run() throws Exception {
        narrator.say("muster sandbox: the upgrade of regions 99 (global), 1 and 2 from " + FIRST + " to " + SECOND
                + ", replication torn down with --mode " + teardownMode
                + (seedOrder ? ", in the seed's order (replication set up again before migrating)" : ""));
        narrator.step("Start PostgreSQL for regions 1, 2 and 99 (wal_level=logical)", this::startServers);
        narrator.step(
                "Start the coordinator (members 1 and 2; its state in region 99's database; mutual TLS)",
                this::startCoordinator);
        narrator.step("Record each region and its id range (muster-agent init)", () -> {
            for (int region : fleet.regions()) {
                fleet.agent(region, FIRST, shown(region), "init", "--region", String.valueOf(region));
            }
        });
        narrator.step(
                "Migrate and seed the first release, " + FIRST + " (remotes, then the global)",
                () -> migrateAll(FIRST));
        narrator.step(
                "Start each region's agent daemon (muster-agent run), reporting replication health",
                () -> startDaemons(FIRST));
        narrator.step(
                "Set up replication: publications on the remotes, subscriptions on the global",
                () -> setUpReplication(FIRST));
        narrator.step("Verify: the global has every region's rows", () -> {
            awaitVerified(FIRST);
            narrator.say("    users on the global: " + userIds());
        });
        narrator.step(
                "Tear replication down before the upgrade (--mode " + teardownMode + ")",
                () -> fleet.agent(GLOBAL, FIRST, shown(GLOBAL), "replication", "teardown", "--mode", teardownMode));
        narrator.step("Write on the remotes while replication is down", this::writeDuringTheUpgrade);
        if (seedOrder) {
            narrator.step("Upgrade the code: the agents' daemons restart on " + SECOND, this::restartDaemonsOnNewCode);
            narrator.step(
                    "Set up replication again on the new release, before migrating", () -> setUpReplication(SECOND));
            narrator.step(
                    "Migrate to " + SECOND + " with replication live; each remote then writes rows of the new "
                            + "schema",
                    () -> upgrade(true));
        } else {
            narrator.step("Upgrade to " + SECOND + ": the global waits for region 1, then region 2", () -> {
                restartDaemonsOnNewCode();
                upgrade(false);
            });
            narrator.step("Set up replication again on the new release", () -> setUpReplication(SECOND));
        }
        narrator.step("Verify: every row is on the global, also those written during the upgrade", () -> {
            awaitVerified(SECOND);
            narrator.note("from the end of the global's last migration to verified: " + sinceGlobalsLastMigration());
            requireArrived(
                    "SELECT count(*) FROM vms WHERE vendor = 'written during the upgrade'",
                    WRITES_PER_REMOTE * REMOTES.size(),
                    "rows written on the remotes during the upgrade");
            if (seedOrder) {
                requireArrived(
                        "SELECT count(*) FROM vms WHERE retirement_state = 'written after migrating'",
                        REMOTES.size(),
                        "rows of the new schema written on the remotes after they migrated");
                requireArrived(
                        "SELECT count(*) FROM service_templates WHERE id < " + GLOBAL + "000000000000",
                        REMOTES.size(),
                        "rows of the remotes' new table service_templates");
            }
            narrator.say("    users on the global: " + userIds());
        });
        narrator.step(
                "Replication status: every subscription enabled, its worker running",
                () -> fleet.agent(GLOBAL, SECOND, shown(GLOBAL), "replication", "status"));
        narrator.step("The operator's view of the fleet (muster status)", this::operatorStatus);
        narrator.summary();
    }

    /** What a person can look at while the fleet stays up after the procedure. */
    void explore() {
        narrator.say("");
        narrator.say("The fleet stays up to be explored until you stop the sandbox (Ctrl-C):");
        String tls = String.join(" ", certificates.operatorOptions());
        narrator.say("    muster status --coordinator 127.0.0.1:" + coordinator.port() + " " + tls);
        narrator.say("    muster watch --coordinator 127.0.0.1:" + coordinator.port() + " " + tls);
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
        certificates = SandboxCertificates.create(workDir.resolve("tls"), fleet.regions());
        DatabaseConfig store = new DatabaseConfig(fleet.jdbcUrl(GLOBAL), SandboxFleet.USER, Optional.empty());
        CoordinatorConfig config = new CoordinatorConfig(
                new HostPort("127.0.0.1", 0),
                Optional.of(store),
                REMOTES,
                metricsPort.map(MetricsConfig::new),
                TransportSecurity.mutualTls(
                        certificates.coordinator(),
                        Identity.DEFAULT_TRUST_DOMAIN,
                        new Operators(Map.of(SandboxCertificates.OPERATOR, OperatorRole.ADMIN)),
                        GLOBAL));
        coordinator = Coordinator.start(config, "sandbox");
        fleet.coordinatorAt("127.0.0.1:" + coordinator.port(), certificates);
        narrator.say("    listening on 127.0.0.1:" + coordinator.port() + " with mutual TLS: a throwaway CA and "
                + "certificates for regions 1, 2, 99 and operator '" + SandboxCertificates.OPERATOR + "' in "
                + certificates.dir());
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
        return metricsPort.map(
                port -> new MetricsConfig(port + 1 + fleet.regions().indexOf(region)));
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
        Deadline deadline = Deadline.after(PATIENCE);
        AgentConfig global = AgentConfig.load(fleet.config(GLOBAL, release));
        ReplicationStatus status = new ReplicationStatus(global.database(), global.replication());
        if (!deadline.await(() -> status.subscriptions().stream().allMatch(Sandbox::running), Duration.ofMillis(200))) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the subscriptions did not all run with every table copied " + "within " + PATIENCE.toSeconds()
                            + " s:\n" + SubscriptionStatus.table(status.subscriptions()));
        }
        AtomicReference<RegionConsole> lastTry = new AtomicReference<>();
        boolean verified = deadline.await(
                () -> {
                    lastTry.set(kept(GLOBAL));
                    return fleet.tryAgent(GLOBAL, release, lastTry.get(), "replication", "verify") == 0;
                },
                Duration.ofMillis(500));
        lastTry.get().show();
        if (!verified) {
            throw new MusterException(
                    ExitCode.FAILED, "replication did not verify within " + PATIENCE.toSeconds() + " s");
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

    /** As on an appliance: the new code restarts the agent's service. */
    private void restartDaemonsOnNewCode() throws IOException {
        stopDaemons();
        startDaemons(SECOND);
        narrator.say("    the agents' daemons restarted on the code of " + SECOND);
    }

    private void requireArrived(String countOnGlobal, long expected, String what) throws Exception {
        long arrived = count(GLOBAL, countOnGlobal);
        if (arrived != expected) {
            throw new MusterException(
                    ExitCode.FAILED, "only " + arrived + " of the " + expected + " " + what + " reached the global");
        }
        narrator.say("    all " + arrived + " " + what + " are on the global");
    }

    /** The time from the commit of the global's last migration (as Flyway's history has it) until now. */
    private String sinceGlobalsLastMigration() throws Exception {
        try (Connection connection = fleet.database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT extract(epoch FROM clock_timestamp() - (installed_on "
                        + "+ execution_time * interval '1 millisecond')) FROM flyway_schema_history "
                        + "WHERE success ORDER BY installed_rank DESC LIMIT 1")) {
            result.next();
            return Narrator.seconds(Duration.ofMillis(Math.round(result.getDouble(1) * 1000)));
        }
    }

    /**
     * The heart of it: the global's migrate started first, released only after each remote
     * has migrated; in the seed's order each remote then writes rows of the new schema,
     * which reach the global once it has migrated too.
     */
    private void upgrade(boolean writeNewSchema) throws Exception {
        RegionConsole globalConsole = shown(GLOBAL);
        long started = System.nanoTime();
        ExecutorService background =
                Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "sandbox-global"));
        try {
            CompletableFuture<Void> global =
                    CompletableFuture.runAsync(() -> fleet.agent(GLOBAL, SECOND, globalConsole, "migrate"), background);
            for (int region : REMOTES) {
                awaitLine(globalConsole, global, line -> line.startsWith("Waiting for remote region " + region + " "));
                fleet.agent(region, SECOND, shown(region), "migrate");
                if (writeNewSchema) {
                    writeNewSchema(region);
                }
            }
            global.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the global's migrate did not finish within " + PATIENCE.toSeconds() + " s after region "
                            + REMOTES.get(REMOTES.size() - 1) + " had migrated");
        } finally {
            // interrupts a global still waiting, which ends its migrate and closes its link
            background.shutdownNow();
            background.awaitTermination(10, TimeUnit.SECONDS);
        }
        long waits = globalConsole.lines().stream()
                .filter(line -> line.startsWith("Waiting for"))
                .count();
        narrator.note("the global's migrate printed " + waits + " wait lines and finished "
                + Narrator.seconds(Duration.ofNanos(System.nanoTime() - started)) + " after it started, "
                + "released once region " + REMOTES.get(REMOTES.size() - 1) + " had migrated");
    }

    /** A vm that retires and a service template: a column and a table the global gets only with the same migrations. */
    private void writeNewSchema(int region) throws Exception {
        try (Connection connection = fleet.database(region).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO vms (name, vendor, retires_on, retirement_state) VALUES ('vm-" + region
                    + "-retiring', 'written after migrating', DATE '2030-01-01', 'written after migrating')");
            statement.execute("INSERT INTO service_templates (name) VALUES ('template of region " + region + "')");
        }
        narrator.say("    region " + region + ": wrote a vm with retires_on and a service template, "
                + "which the global's schema has not yet");
    }

    private void startDaemons(String release) throws IOException {
        for (int region : fleet.regions()) {
            MetricsEndpoint metrics = new MetricsEndpoint(
                    List.of(Tag.of("application", "muster-agent"), Tag.of("region", String.valueOf(region))));
            daemonMetrics.add(metrics);
            metrics.serve(daemonMetricsPort(region));
            AgentDaemon daemon = AgentDaemon.create(
                    AgentConfig.load(fleet.config(region, release)),
                    "sandbox",
                    new PicocliCommandRunner(),
                    metrics.registry());
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
        if (!Deadline.after(PATIENCE)
                .await(
                        () -> fleet.regions().stream().allMatch(region -> reportedHealthy(region, since)),
                        Duration.ofMillis(100))) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the agents' daemons did not all report healthy replication " + "within " + PATIENCE.toSeconds()
                            + " s");
        }
        PrintWriter out = new PrintWriter(new RegionConsole(narrator, "muster", true), true);
        int status = CommandLines.create(new MusterCommand())
                .setOut(out)
                .setErr(out)
                .execute(Stream.concat(
                                Stream.of("status", "--coordinator", "127.0.0.1:" + coordinator.port()),
                                certificates.operatorOptions().stream())
                        .toArray(String[]::new));
        if (status != 0) {
            throw new MusterException(ExitCode.FAILED, "muster status exited with status " + status);
        }
    }

    private boolean reportedHealthy(int region, Instant since) {
        return coordinator
                .hub()
                .fleet()
                .region(region)
                .flatMap(RegionState::replication)
                .filter(health -> health.takenAt().isAfter(since))
                .map(ReplicationHealth::healthy)
                .orElse(false);
    }

    /** Waits until the still running global's migrate has printed a line matching {@code wanted}. */
    private static void awaitLine(RegionConsole console, CompletableFuture<Void> running, Predicate<String> wanted)
            throws Exception {
        boolean printed = Deadline.after(PATIENCE)
                .await(
                        () -> {
                            if (console.lines().stream().anyMatch(wanted)) {
                                return true;
                            }
                            if (running.isDone()) {
                                running.get();
                                throw new MusterException(
                                        ExitCode.FAILED, "the global's migrate ended before it waited as expected");
                            }
                            return false;
                        },
                        Duration.ofMillis(50));
        if (!printed) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the global did not print the expected wait within " + PATIENCE.toSeconds() + " s");
        }
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
