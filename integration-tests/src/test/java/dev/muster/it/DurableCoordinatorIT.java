package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.FleetLauncher;
import dev.muster.it.fixture.InProcessLauncher;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.OperatorCli;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.ProcessLauncher;
import dev.muster.it.fixture.RegionMigrations;
import dev.muster.it.fixture.SchemaHistory;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator that keeps the fleet in the global's database (schema muster). Restarted,
 * or killed, while the global waits, the new one knows what the remotes reported to the
 * old one, so the global waits only for what is really missing, and is released when it
 * arrives, never before. Operators' acts on a waiting global take effect at once and are
 * in the event log.
 */
class DurableCoordinatorIT {

    private static final int GLOBAL = 99;
    private static final String GATED_VERSION = "20200424183342";
    private static final String NEXT_VERSION = "20200601000000";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private final FleetLauncher launcher = new InProcessLauncher();
    private ConfigFiles configs;
    private RegionMigrations migrations;
    private String coordinatorAddress;
    private AutoCloseable coordinator;

    @BeforeEach
    void freshFleet() throws Exception {
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
    void aRestartedCoordinatorRemembersWhatTheRemotesReportedAndKeepsTheGlobalWaitingOnlyForTheRest() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine(waitLine(2), 0, PATIENCE);
            migrations.runToCompletion(1, "kasparov");
            int linesBeforeRestart = global.output().size();
            coordinator.close();
            assertThat(storedWait())
                    .as("the wait, as stored when the coordinator stopped")
                    .isEqualTo(GATED_VERSION + " on [2]");

            startCoordinator();
            // The old coordinator's wait line may still be printed after linesBeforeRestart: look only after the
            // reconnect.
            int reconnected = global.output().awaitLine(reconnectedLine(), linesBeforeRestart, PATIENCE);
            // Region 1's agent is gone: only the store can tell the new coordinator it migrated.
            global.output().awaitLine(waitLine(2), reconnected, PATIENCE);
            assertThat(global.output().since(linesBeforeRestart)).doesNotContain(waitLine(1));
            assertThat(global.isRunning()).isTrue();
            assertThat(SchemaHistory.of(REGIONS.databases().database(GLOBAL)).has(GATED_VERSION))
                    .as("not released early")
                    .isFalse();

            migrations.runToCompletion(2, "kasparov");
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        }
        assertThat(SchemaHistory.of(REGIONS.databases().database(GLOBAL)).has(GATED_VERSION))
                .isTrue();
        assertThat(storedWait()).as("released, so no longer waiting").isEqualTo("none");
        assertThat(storedEvents()).contains("COORDINATOR_STARTED", "WAITING", "MIGRATION_APPLIED", "RELEASED");
    }

    @Test
    void theStoreLivesInSchemaMusterBesideTheAgentsOwnObjectsAndIsNeverInTheApplicationsHistory() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");
        coordinator.close();
        coordinator = null;

        try (Connection connection = REGIONS.databases().database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                     SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables
                     WHERE table_schema = 'muster'""")) {
            result.next();
            assertThat(result.getString(1).split(","))
                    .contains(
                            "coordinator_schema_history",
                            "fleet_event",
                            "fleet_member",
                            "fleet_region",
                            "fleet_region_migration",
                            "region");
        }
        assertThat(SchemaHistory.of(REGIONS.databases().database(GLOBAL))
                        .installedOn()
                        .keySet())
                .noneMatch(version -> version.equals("1") || version.equals("0"));
    }

    @Test
    void aCoordinatorKilledWhileTheGlobalWaitsResumesFromItsStoreAndReleasesTheGlobalOnlyWhenDue() throws Exception {
        Path config = configs.durableCoordinator(coordinatorAddress, GLOBAL, 1, 2);
        ProcessLauncher processes = new ProcessLauncher();
        LauncherProcess first = (LauncherProcess) processes.serve(config);
        coordinator = first;
        migrations.migrateAll("jansa");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine(waitLine(2), 0, PATIENCE);
            migrations.runToCompletion(1, "kasparov");
            first.kill();
            int linesBeforeRestart = global.output().size();

            coordinator = processes.serve(config);
            int reconnected = global.output().awaitLine(reconnectedLine(), linesBeforeRestart, PATIENCE);
            global.output().awaitLine(waitLine(2), reconnected, PATIENCE);
            assertThat(global.output().since(linesBeforeRestart)).doesNotContain(waitLine(1));
            assertThat(SchemaHistory.of(REGIONS.databases().database(GLOBAL)).has(GATED_VERSION))
                    .isFalse();

            migrations.runToCompletion(2, "kasparov");
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        }
        assertGlobalFollowed(1, 2);
    }

    @Test
    void aMemberRemovedWhileTheGlobalWaitsOnItReleasesTheGlobal() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine(waitLine(2), 0, PATIENCE);
            migrations.runToCompletion(1, "kasparov");

            assertThat(muster("region", "remove", "2")).contains("region 2 is no longer a member");

            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        }
        assertGlobalFollowed(1);
        assertThat(storedEvent("MEMBER_REMOVED"))
                .contains("operator " + ConfigFiles.ADMIN + " (from ")
                .contains("region 2");
        assertThat(muster("region", "list"))
                .as("no agent of region 2 is connected, so it is forgotten")
                .contains("1  member remote")
                .doesNotContainPattern("(?m)^2 ");
    }

    @Test
    void aForcedReleaseLetsTheGlobalApplyThatVersionAloneAndIsInTheEventLog() throws Exception {
        startCoordinator();
        migrations.migrateAll("jansa");

        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine(waitLine(2), 0, PATIENCE);

            muster("release", "--force", GATED_VERSION, "--reason", "region 2 is being rebuilt");

            global.output().awaitLine("Waiting for remote region 1 to run migration " + NEXT_VERSION, 0, PATIENCE);
            SchemaHistory history = SchemaHistory.of(REGIONS.databases().database(GLOBAL));
            assertThat(history.has(GATED_VERSION)).as("released by force").isTrue();
            assertThat(history.has(NEXT_VERSION)).as("not released").isFalse();
        }
        assertThat(storedEvent("FORCED_RELEASE"))
                .contains("region 2 is being rebuilt")
                .contains("regions [1, 2] had not applied it")
                .contains("operator " + ConfigFiles.ADMIN + " (from ");
    }

    /** Runs the operator's {@code muster} command against the coordinator; it must exit 0. */
    private String muster(String... args) {
        return new OperatorCli(configs, coordinatorAddress).run(0, args);
    }

    private String storedEvent(String kind) throws Exception {
        try (Connection connection = REGIONS.databases().database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT actor || ': ' || detail FROM muster.fleet_event "
                        + "WHERE kind = '" + kind + "' ORDER BY id DESC LIMIT 1")) {
            assertThat(result.next()).as("a %s event", kind).isTrue();
            return result.getString(1);
        }
    }

    /** The safety invariant for the members that gated it: the global's run of V began after their commits. */
    private static void assertGlobalFollowed(int... members) throws Exception {
        SchemaHistory global = SchemaHistory.of(REGIONS.databases().database(GLOBAL));
        assertThat(global.has(GATED_VERSION)).isTrue();
        for (int member : members) {
            SchemaHistory remote = SchemaHistory.of(REGIONS.databases().database(member));
            assertThat(global.installedOn().get(GATED_VERSION))
                    .as("the global began %s after region %d committed it", GATED_VERSION, member)
                    .isAfter(remote.committedAt().get(GATED_VERSION));
        }
    }

    private void startCoordinator() throws Exception {
        coordinator = launcher.serve(configs.durableCoordinator(coordinatorAddress, GLOBAL, 1, 2));
    }

    private String storedWait() throws Exception {
        try (Connection connection = REGIONS.databases().database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT waiting_version, waiting_on FROM muster.fleet_region WHERE region = " + GLOBAL)) {
            assertThat(result.next()).as("the global's row").isTrue();
            if (result.getString(1) == null) {
                return "none";
            }
            Array on = result.getArray(2);
            return result.getString(1) + " on " + Arrays.toString((Integer[]) on.getArray());
        }
    }

    private List<String> storedEvents() throws Exception {
        List<String> kinds = new ArrayList<>();
        try (Connection connection = REGIONS.databases().database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT kind FROM muster.fleet_event ORDER BY id")) {
            while (result.next()) {
                kinds.add(result.getString(1));
            }
        }
        return kinds;
    }

    private static String waitLine(int region) {
        return RegionMigrations.waitLine(region, GATED_VERSION);
    }

    private String reconnectedLine() {
        return "Connected to the coordinator at " + coordinatorAddress + " again";
    }
}
