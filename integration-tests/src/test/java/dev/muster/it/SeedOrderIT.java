package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.RegionMigrations;
import dev.muster.it.fixture.RegionSql;
import dev.muster.it.fixture.SchemaHistory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's own order on three real servers: replication set up again on the new release
 * before anything migrates, so the global waits, and the remotes migrate and write rows of
 * the new schema, while the subscriptions are live. The global's migrate brings its
 * subscriptions back in step and waits until it has caught up; nothing is lost.
 */
class SeedOrderIT {

    private static final int GLOBAL = 99;
    private static final List<Integer> REMOTES = List.of(1, 2);
    private static final String GATED_VERSION = "20200424183342";
    private static final String LAST_VERSION = "20200801120000";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ConfigFiles configs;
    private RegionSql sql;
    private Coordinator coordinator;
    private String coordinatorAddress;

    /** The first release everywhere, replicated and in step; then the new code, and replication set up on it. */
    @BeforeEach
    void fleetWithReplicationSetUpOnTheNewRelease() throws Exception {
        configs = new ConfigFiles(dir, REGIONS.databases());
        sql = new RegionSql(REGIONS.databases());
        coordinatorAddress = "127.0.0.1:" + Ports.free();
        coordinator = Coordinator.start(CoordinatorConfig.load(configs.coordinator(coordinatorAddress, 1, 2)), "test");
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "jansa", "migrate");
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "jansa", "replication", "setup");
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "kasparov", "replication", "setup");
        }
    }

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
        sql.dropReplication(GLOBAL, 1, 2);
    }

    @Test
    void rowsOfTheNewSchemaWrittenWhileTheGlobalWaitsAllReachItAndReplicationEndsInStep() throws Exception {
        try (CommandRun global = agent(GLOBAL, "kasparov", "migrate")) {
            global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
            for (int remote : REMOTES) {
                if (remote == REMOTES.get(REMOTES.size() - 1)) {
                    // Its report would release the global at once, racing the rows it writes next:
                    // held, the global waits until they are written, as an operator's rows would be.
                    coordinator.hub().pause("the last remote writes its rows first", "test");
                }
                runToCompletion(remote, "kasparov", "migrate");
                long base = remote * 1_000_000_000_000L;
                sql.execute(
                        remote,
                        "INSERT INTO vms (name, vendor, retires_on, retirement_state) VALUES " + "('vm-new-" + remote
                                + "', 'written after migrating', DATE '2030-01-01', 'scheduled')",
                        "INSERT INTO service_templates (name) VALUES ('template of region " + remote + "')",
                        "UPDATE users SET email = 'admin@region" + remote + "' WHERE id BETWEEN " + base + " AND "
                                + (base + 999_999_999_999L));
            }
            coordinator.hub().resume("test");
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();

            List<String> lines = global.output().lines();
            for (int remote : REMOTES) {
                assertThat(lines)
                        .anyMatch(line -> line.startsWith("region_" + remote + "_subscription: ")
                                && line.contains("public.service_templates"));
                assertThat(lines)
                        .anyMatch(line -> line.startsWith(
                                "region_" + remote + "_subscription: caught up with " + "region " + remote + " at "));
            }
            // the README's promise: once the global's migrate has caught up, verify passes right after
            try (CommandRun verify = agent(GLOBAL, "kasparov", "replication", "verify")) {
                assertThat(verify.awaitExit(PATIENCE))
                        .as("verify: %s", verify.output())
                        .isZero();
            }
            System.out.printf(
                    Locale.ROOT,
                    "seed order: from the end of the global's last migration to verified: %s s%n",
                    sql.string(
                            GLOBAL,
                            "SELECT round(extract(epoch FROM clock_timestamp() - (installed_on "
                                    + "+ execution_time * interval '1 millisecond'))::numeric, 1) FROM flyway_schema_history "
                                    + "WHERE version = '" + LAST_VERSION + "'"));
        }

        SchemaHistory globalHistory = SchemaHistory.of(REGIONS.databases().database(GLOBAL));
        for (int remote : REMOTES) {
            assertThat(globalHistory.installedOn().get(GATED_VERSION))
                    .as("the global began after region %d committed", remote)
                    .isAfter(SchemaHistory.of(REGIONS.databases().database(remote))
                            .committedAt()
                            .get(GATED_VERSION));
            assertThat(sql.rowsOfRegion(GLOBAL, "vms", remote))
                    .anyMatch(row -> row.contains("vm-new-" + remote)
                            && row.contains("2030-01-01")
                            && row.contains("scheduled"));
            assertThat(sql.rowsOfRegion(GLOBAL, "service_templates", remote))
                    .singleElement()
                    .satisfies(row -> assertThat(row).contains("template of region " + remote));
            assertThat(sql.rowsOfRegion(GLOBAL, "users", remote))
                    .allMatch(row -> row.contains("admin@region" + remote));
        }
        assertThat(globalHistory.has(LAST_VERSION)).isTrue();
        assertEverySubscriptionStreamsAndNoSlotHoldsWalBack();
    }

    @Test
    void whileTheGlobalWaitsAStoppedSubscriptionIsExplainedWithTheMigrationThatBringsItBack() throws Exception {
        AgentDaemon daemon = AgentDaemon.create(AgentConfig.load(config(GLOBAL, "kasparov")), "test");
        daemon.start();
        try (CommandRun global = agent(GLOBAL, "kasparov", "migrate")) {
            global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
            runToCompletion(1, "kasparov", "migrate");
            sql.execute(
                    1,
                    "INSERT INTO vms (name, vendor, retires_on) VALUES ('vm-new', 'after migrating', "
                            + "DATE '2030-01-01')");
            await("the global's subscription to region 1 stopped by the row it cannot take")
                    .atMost(PATIENCE)
                    .until(() -> sql.string(
                                    GLOBAL,
                                    "SELECT subenabled FROM pg_subscription "
                                            + "WHERE subname = 'region_1_subscription'")
                            .equals("f"));

            String why = "region 1 publishes columns public.users.email, public.vms.retirement_state, "
                    + "public.vms.retires_on and tables public.service_templates, which the global lacks; migration "
                    + GATED_VERSION + ", pending on the global and applied on region 1, should bring it back once "
                    + "the global applies it";
            try (CommandRun status = agent(GLOBAL, "kasparov", "replication", "status")) {
                assertThat(status.awaitExit(PATIENCE)).isZero();
                assertThat(status.output().lines()).contains("region_1_subscription is down: " + why);
            }
            await("the coordinator told why")
                    .atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(coordinator
                                    .hub()
                                    .fleet()
                                    .region(GLOBAL)
                                    .flatMap(RegionState::replication)
                                    .map(ReplicationHealth::problems)
                                    .orElse(List.of()))
                            .contains("subscription region_1_subscription is disabled: " + why));

            runToCompletion(2, "kasparov", "migrate");
            coordinator.hub().resume("test");
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        } finally {
            daemon.close();
        }
        assertThat(sql.rowsOfRegion(GLOBAL, "vms", 1)).anyMatch(row -> row.contains("vm-new"));
    }

    @Test
    void aRemoteWritingAllThroughTheUpgradeLosesNothing() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> writeUntilStopped(writing, written), "region-1-writer");
        writer.start();
        try (CommandRun global = agent(GLOBAL, "kasparov", "migrate")) {
            global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
            for (int remote : REMOTES) {
                if (remote == REMOTES.get(REMOTES.size() - 1)) {
                    // Its report would release the global at once, racing the rows it writes next:
                    // held, the global waits until they are written, as an operator's rows would be.
                    coordinator.hub().pause("the last remote writes its rows first", "test");
                }
                runToCompletion(remote, "kasparov", "migrate");
            }
            coordinator.hub().resume("test");
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        } finally {
            writing.set(false);
            writer.join(30_000);
        }
        assertThat(written.get()).as("rows the writer committed").isGreaterThan(10);

        await("every row written on region 1 on the global")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(
                                sql.string(GLOBAL, "SELECT count(*) FROM vms WHERE vendor = 'written continuously'"))
                        .isEqualTo(String.valueOf(written.get())));
        try (CommandRun verify = agent(GLOBAL, "kasparov", "replication", "verify")) {
            assertThat(verify.awaitExit(PATIENCE)).as("%s", verify.output()).isZero();
        }
        assertEverySubscriptionStreamsAndNoSlotHoldsWalBack();
    }

    /** Inserts on region 1 in a loop, one row per transaction, counting those committed. */
    private static void writeUntilStopped(AtomicBoolean writing, AtomicLong written) {
        try (Connection connection = REGIONS.databases().database(1).getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO vms (name, vendor) VALUES (?, 'written continuously')")) {
            while (writing.get()) {
                insert.setString(1, "vm-" + written.get());
                insert.executeUpdate();
                written.incrementAndGet();
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("region 1's writer failed after " + written.get() + " rows", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertEverySubscriptionStreamsAndNoSlotHoldsWalBack() {
        await("subscriptions streaming, slots caught up").atMost(PATIENCE).untilAsserted(() -> {
            assertThat(sql.strings(GLOBAL, "SELECT subname || ' ' || subenabled FROM pg_subscription ORDER BY 1"))
                    .containsExactly("region_1_subscription true", "region_2_subscription true");
            assertThat(sql.strings(
                            GLOBAL,
                            "SELECT count(*) FROM pg_stat_subscription WHERE relid IS NULL " + "AND pid IS NOT NULL"))
                    .containsExactly("2");
            for (int remote : REMOTES) {
                assertThat(Long.parseLong(sql.string(
                                remote,
                                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                                        + "confirmed_flush_lsn) FROM pg_replication_slots WHERE slot_name = 'region_"
                                        + remote
                                        + "_subscription'")))
                        .as("WAL of region %d not confirmed by the global", remote)
                        .isZero();
                assertThat(Long.parseLong(sql.string(
                                remote,
                                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                                        + "restart_lsn) FROM pg_replication_slots WHERE slot_name = 'region_" + remote
                                        + "_subscription'")))
                        .as("WAL region %d's slot retains, in bytes", remote)
                        .isLessThan(16L * 1024 * 1024);
            }
        });
    }

    private void runToCompletion(int region, String release, String... command) throws Exception {
        try (CommandRun run = agent(region, release, command)) {
            assertThat(run.awaitExit(PATIENCE))
                    .as("region %d: %s; %s", region, List.of(command), run.output())
                    .isZero();
        }
    }

    private Path config(int region, String release) {
        return configs.replicatedAgent(region, GLOBAL, REMOTES, coordinatorAddress, release);
    }

    private CommandRun agent(int region, String release, String... command) {
        String[] args = Stream.concat(
                        Stream.of(command),
                        Stream.of("--config", config(region, release).toString()))
                .toArray(String[]::new);
        return new InProcessAgent("region-" + region, args);
    }
}
