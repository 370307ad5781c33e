package dev.muster.deploy.sandbox;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.cli.CommandLines;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.cli.MusterCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private static final String WRITTEN_DURING_THE_UPGRADE = "written during the upgrade";
    private static final String WRITTEN_AFTER_MIGRATING = "written after migrating";

    private final Narrator narrator;
    private final Path workDir;
    private final SandboxFleet fleet;
    private final RegionDatabases databases;
    private final SandboxDaemons daemons;
    private final FleetWaits waits;
    private final String teardownMode;
    private final boolean seedOrder;
    private final Optional<Integer> metricsPort;
    private Coordinator coordinator;
    private SandboxCertificates certificates;

    /**
     * @param seedOrder   the seed's order: replication set up again on the new release before
     *                    migrating, so that the fleet migrates with replication live
     * @param metricsPort where the coordinator serves its metrics, the agents' daemons on the
     *                    next ports (regions 1, 2, 99 in that order); empty for none
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
        this.databases = new RegionDatabases(fleet);
        this.daemons = new SandboxDaemons(fleet, metricsPort);
        this.waits = new FleetWaits(fleet, narrator, GLOBAL, PATIENCE);
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
                () -> daemons.start(FIRST));
        narrator.step(
                "Set up replication: publications on the remotes, subscriptions on the global",
                () -> setUpReplication(FIRST));
        narrator.step("Verify: the global has every region's rows", () -> {
            waits.awaitVerified(FIRST);
            narrator.say("    users on the global: " + databases.userIds(GLOBAL));
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
            waits.awaitVerified(SECOND);
            narrator.note("from the end of the global's last migration to verified: "
                    + Narrator.seconds(databases.sinceLastMigration(GLOBAL)));
            requireArrived(
                    "SELECT count(*) FROM vms WHERE vendor = '" + WRITTEN_DURING_THE_UPGRADE + "'",
                    (long) WRITES_PER_REMOTE * REMOTES.size(),
                    "rows written on the remotes during the upgrade");
            if (seedOrder) {
                requireArrived(
                        "SELECT count(*) FROM vms WHERE retirement_state = '" + WRITTEN_AFTER_MIGRATING + "'",
                        REMOTES.size(),
                        "rows of the new schema written on the remotes after they migrated");
                requireArrived(
                        "SELECT count(*) FROM service_templates WHERE id < " + GLOBAL + "000000000000",
                        REMOTES.size(),
                        "rows of the remotes' new table service_templates");
            }
            narrator.say("    users on the global: " + databases.userIds(GLOBAL));
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
        coordinator = Coordinator.start(fleet.coordinatorConfig(certificates, metricsPort), "sandbox");
        fleet.coordinatorAt("127.0.0.1:" + coordinator.port(), certificates);
        narrator.say("    listening on 127.0.0.1:" + coordinator.port() + " with mutual TLS: a throwaway CA and "
                + "certificates for regions 1, 2, 99 and operator '" + SandboxCertificates.OPERATOR + "' in "
                + certificates.dir());
        metricsPort.ifPresent(port -> {
            narrator.say("    metrics: the coordinator's at " + metricsUrl(port));
            for (int region : fleet.regions()) {
                narrator.say("             region " + region + "'s agent daemon at "
                        + metricsUrl(daemons.metrics(region).orElseThrow().port()));
            }
        });
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

    private void writeDuringTheUpgrade() throws Exception {
        for (int region : REMOTES) {
            databases.writeVms(region, WRITES_PER_REMOTE, WRITTEN_DURING_THE_UPGRADE);
            narrator.say("    region " + region + ": " + WRITES_PER_REMOTE + " vms written");
        }
    }

    /** As on an appliance: the new code restarts the agent's service. */
    private void restartDaemonsOnNewCode() throws IOException {
        daemons.stop();
        daemons.start(SECOND);
        narrator.say("    the agents' daemons restarted on the code of " + SECOND);
    }

    private void requireArrived(String countOnGlobal, long expected, String what) throws Exception {
        long arrived = databases.count(GLOBAL, countOnGlobal);
        if (arrived != expected) {
            throw new MusterException(
                    ExitCode.FAILED, "only " + arrived + " of the " + expected + " " + what + " reached the global");
        }
        narrator.say("    all " + arrived + " " + what + " are on the global");
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
                waits.awaitLine(
                        globalConsole, global, line -> line.startsWith("Waiting for remote region " + region + " "));
                fleet.agent(region, SECOND, shown(region), "migrate");
                if (writeNewSchema) {
                    databases.writeRowsOfTheSecondRelease(region, WRITTEN_AFTER_MIGRATING);
                    narrator.say("    region " + region + ": wrote a vm with retires_on and a service template, "
                            + "which the global's schema has not yet");
                }
            }
            global.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the global's migrate did not finish within " + PATIENCE.toSeconds() + " s after region "
                            + REMOTES.get(REMOTES.size() - 1) + " had migrated");
        } finally {
            // interrupts a global still waiting, which ends its migrate and closes its link
            background.shutdownNow();
            background.awaitTermination(10, TimeUnit.SECONDS);
        }
        long waitLines = globalConsole.lines().stream()
                .filter(line -> line.startsWith("Waiting for"))
                .count();
        narrator.note("the global's migrate printed " + waitLines + " wait lines and finished "
                + Narrator.seconds(Duration.ofNanos(System.nanoTime() - started)) + " after it started, "
                + "released once region " + REMOTES.get(REMOTES.size() - 1) + " had migrated");
    }

    /** Once every daemon has reported healthy replication since now, what an operator sees. */
    private void operatorStatus() throws InterruptedException {
        waits.awaitHealthyReports(coordinator, Instant.now());
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

    private RegionConsole shown(int region) {
        return new RegionConsole(narrator, region, true);
    }

    @Override
    public void close() {
        try {
            daemons.close();
            if (coordinator != null) {
                coordinator.close();
            }
        } finally {
            fleet.close();
        }
    }
}
