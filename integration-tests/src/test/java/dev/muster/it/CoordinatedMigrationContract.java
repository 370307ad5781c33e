package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.FleetLauncher;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.RegionMigrations;
import dev.muster.it.fixture.SchemaHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed procedure on three real PostgreSQL servers: regions 99 (global), 1 and 2 at
 * the first release ("jansa"), upgraded to the second ("kasparov"). The global may apply
 * each migration only after both remotes have; the REGIONS.databases()' own history proves it.
 * Coordinator and agents speak mutual TLS. Subclasses say how they are started.
 */
abstract class CoordinatedMigrationContract {

    private static final int GLOBAL = 99;
    private static final String GATED_VERSION = "20200424183342";
    private static final List<String> KASPAROV =
            List.of(GATED_VERSION, "20200601000000", "20200715000000", "20200801120000");
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private final FleetLauncher launcher;
    private ConfigFiles configs;
    private RegionMigrations migrations;
    private AutoCloseable coordinator;
    private String coordinatorAddress;

    CoordinatedMigrationContract(FleetLauncher launcher) {
        this.launcher = launcher;
    }

    @BeforeEach
    void freshFleet() throws Exception {
        // every party with its certificate, as in production
        configs = new ConfigFiles(dir, REGIONS.databases()).withTls();
        coordinatorAddress = "127.0.0.1:" + Ports.free();
        migrations = new RegionMigrations(launcher, configs, coordinatorAddress, GLOBAL, List.of(1, 2));
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void globalStartedFirstWaitsForRegionOneThenRegionTwoThenMigrates() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine(waitLine(1), 0, PATIENCE);
            global.output().awaitLine(waitLine(2), 0, PATIENCE);
            assertThat(history(GLOBAL).has(GATED_VERSION)).isFalse();
            assertHoldsNothingOnItsDatabase(GLOBAL);

            int linesBeforeRegionOne = global.output().size();
            migrations.runToCompletion(1, "kasparov");
            int waitForTwo = global.output().awaitLine(waitLine(2), linesBeforeRegionOne, PATIENCE);
            assertThat(global.output().since(linesBeforeRegionOne))
                    .as("after region 1 migrated the global waits only on region 2")
                    .doesNotContain(waitLine(1));
            assertThat(global.isRunning()).isTrue();
            assertThat(history(GLOBAL).has(GATED_VERSION)).isFalse();

            migrations.runToCompletion(2, "kasparov");
            assertThat(global.awaitExit(PATIENCE)).isZero();
            // A later version may still wait: region 2's hello, read while its migrate ran,
            // can release a prefix before its last migration is reported.
            assertThat(global.output().since(waitForTwo + 1))
                    .noneMatch(line -> line.startsWith("Waiting for") && line.endsWith(GATED_VERSION));
        }
        assertGlobalFollowedEveryRemote();
    }

    @Test
    void globalStartedLastDoesNotWaitAtAll() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");
        migrations.runToCompletion(1, "kasparov");
        migrations.runToCompletion(2, "kasparov");

        globalMigratesWithoutWaiting();
        assertGlobalFollowedEveryRemote();
    }

    @Test
    void remotesInTheOtherOrderReleaseTheGlobalAfterTheLastOne() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine(waitLine(2), 0, PATIENCE);
            int linesBeforeRegionTwo = global.output().size();
            migrations.runToCompletion(2, "kasparov");
            global.output().awaitLine(waitLine(1), linesBeforeRegionTwo, PATIENCE);
            assertThat(history(GLOBAL).has(GATED_VERSION)).isFalse();

            migrations.runToCompletion(1, "kasparov");
            assertThat(global.awaitExit(PATIENCE)).isZero();
        }
        assertGlobalFollowedEveryRemote();
    }

    @Test
    void globalNeverMigratesWithoutTheCoordinatorAndGoesOnWhenItComesBack() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");
        migrations.runToCompletion(1, "kasparov");
        migrations.runToCompletion(2, "kasparov");
        coordinator.close();

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLineMatching(line -> line.startsWith("Cannot reach the coordinator"), PATIENCE);
            assertThat(history(GLOBAL).has(GATED_VERSION)).isFalse();

            startCoordinator();
            // The remotes' agents are gone: the coordinator knows their state only once they
            // report again, so the global keeps waiting until then.
            global.output().awaitLine(waitLine(1), 0, PATIENCE);
            assertThat(history(GLOBAL).has(GATED_VERSION)).isFalse();
            migrations.runToCompletion(1, "kasparov");
            migrations.runToCompletion(2, "kasparov");
            assertThat(global.awaitExit(PATIENCE)).isZero();
        }
        assertGlobalFollowedEveryRemote();
    }

    @Test
    void remoteWithoutCoordinatorMigratesAndReportsWhenItReconnects() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");
        coordinator.close();

        try (CommandRun remote = migrations.start(1, "kasparov")) {
            // It opens its session before it migrates: told the coordinator is out of reach, it migrates all the same.
            remote.output().awaitLineMatching(line -> line.startsWith("Cannot reach the coordinator"), PATIENCE);
            remote.output().awaitLineMatching(line -> line.startsWith("Database is up to date"), PATIENCE);
            assertThat(history(1).installedOn().keySet()).containsAll(KASPAROV);

            startCoordinator();
            assertThat(remote.awaitExit(PATIENCE)).isZero();
            assertThat(remote.output().lines())
                    .as("reported on reconnecting")
                    .noneMatch(line -> line.startsWith("Could not report"));
        }
        migrations.runToCompletion(2, "kasparov");
        globalMigratesWithoutWaiting();
        assertGlobalFollowedEveryRemote();
    }

    @Test
    void aRemoteWhoseMigrationDiffersFromTheGlobalsStopsTheGlobalWithAReason() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");
        Path tampered = Files.createDirectories(dir.resolve("tampered"));
        Files.writeString(
                tampered.resolve("V" + GATED_VERSION + "__add_retirement_to_vms.sql"),
                "ALTER TABLE vms ADD COLUMN retires_on date;\n");
        Path regionOne = configs.agent(
                1, "remote", coordinatorAddress, Distribution.release("jansa")[0], "filesystem:" + tampered);
        try (CommandRun remote = launcher.migrate("region-1", regionOne)) {
            assertThat(remote.awaitExit(PATIENCE)).as("%s", remote.output()).isZero();
        }
        migrations.runToCompletion(2, "kasparov");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isEqualTo(ExitCode.REJECTED.status());
            assertThat(String.join("\n", global.output().lines()))
                    .contains("checksum mismatch for migration " + GATED_VERSION + ": region 1 applied it");
        }
        assertThat(history(GLOBAL).has(GATED_VERSION)).isFalse();
    }

    private void globalMigratesWithoutWaiting() throws Exception {
        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
            assertThat(global.output().lines()).noneMatch(line -> line.startsWith("Waiting for"));
        }
    }

    private void startCoordinator() throws Exception {
        coordinator = launcher.serve(configs.coordinator(coordinatorAddress, 1, 2));
    }

    private static String waitLine(int region) {
        return RegionMigrations.waitLine(region, GATED_VERSION);
    }

    private static SchemaHistory history(int region) throws Exception {
        return SchemaHistory.of(REGIONS.databases().database(region));
    }

    /**
     * The safety invariant, from the REGIONS.databases() themselves: for every version, the global's
     * migration began after each remote's migration of it had committed.
     */
    private static void assertGlobalFollowedEveryRemote() throws Exception {
        SchemaHistory global = history(GLOBAL);
        SchemaHistory one = history(1);
        SchemaHistory two = history(2);
        assertThat(global.installedOn().keySet()).containsAll(KASPAROV);
        for (SchemaHistory region : List.of(global, one, two)) {
            assertThat(region.rowsPerVersion())
                    .as("no version applied twice")
                    .allSatisfy((version, rows) -> assertThat(rows).isOne());
        }
        for (String version : global.installedOn().keySet()) {
            Instant installed = global.installedOn().get(version);
            assertThat(installed)
                    .as("global's %s began after region 1's committed", version)
                    .isAfter(one.committedAt().get(version));
            assertThat(installed)
                    .as("global's %s began after region 2's committed", version)
                    .isAfter(two.committedAt().get(version));
        }
    }

    /**
     * While it waits, the global's agent may keep idle connections ready for the Go, but
     * none of them is in a transaction, holds a snapshot (which would hold back vacuum) or
     * holds a lock (which would block the application's own sessions).
     */
    private static void assertHoldsNothingOnItsDatabase(int region) {
        await().atMost(Duration.ofSeconds(30))
                .during(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(busySessions(region))
                        .as("sessions on the global's database that are not idle, hold a snapshot or a lock")
                        .isEmpty());
    }

    private static List<String> busySessions(int region) throws Exception {
        try (Connection connection = REGIONS.databases().database(region).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT a.pid, a.state, a.backend_xmin, a.query"
                        + " FROM pg_stat_activity a WHERE a.datname = current_database()"
                        + " AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'"
                        + " AND (a.state <> 'idle' OR a.backend_xmin IS NOT NULL OR a.xact_start IS NOT NULL"
                        + " OR EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid))")) {
            List<String> busy = new ArrayList<>();
            while (result.next()) {
                busy.add("pid %d %s xmin %s: %s"
                        .formatted(result.getInt(1), result.getString(2), result.getString(3), result.getString(4)));
            }
            return busy;
        }
    }
}
