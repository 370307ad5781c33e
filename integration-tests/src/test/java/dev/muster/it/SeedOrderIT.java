package dev.muster.it;

import static dev.muster.it.fixture.ReplicatedFleet.GLOBAL;
import static dev.muster.it.fixture.ReplicatedFleet.REMOTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.RegionMigrations;
import dev.muster.it.fixture.RegionSql;
import dev.muster.it.fixture.ReplicatedFleet;
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

    private static final String GATED_VERSION = "20200424183342";
    private static final String LAST_VERSION = "20200801120000";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ReplicatedFleet fleet;
    private RegionSql sql;

    /** The first release everywhere, replicated and in step; then the new code, and replication set up on it. */
    @BeforeEach
    void fleetWithReplicationSetUpOnTheNewRelease() throws Exception {
        sql = new RegionSql(REGIONS.databases());
        fleet = ReplicatedFleet.inMemory(dir, REGIONS.databases(), PATIENCE);
        fleet.runOnEveryRegion("jansa", "migrate");
        fleet.runOnEveryRegion("jansa", "replication", "setup");
        fleet.runOnEveryRegion("kasparov", "replication", "setup");
    }

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void rowsOfTheNewSchemaWrittenWhileTheGlobalWaitsAllReachItAndReplicationEndsInStep() throws Exception {
        try (CommandRun global = fleet.startAgent(GLOBAL, "kasparov", "migrate")) {
            global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
            for (int remote : REMOTES) {
                if (remote == REMOTES.get(REMOTES.size() - 1)) {
                    // Its report would release the global at once, racing the rows it writes next:
                    // held, the global waits until they are written, as an operator's rows would be.
                    fleet.coordinator().hub().pause("the last remote writes its rows first", "test");
                }
                fleet.runToCompletion(remote, "kasparov", "migrate");
                long base = remote * 1_000_000_000_000L;
                sql.execute(
                        remote,
                        "INSERT INTO vms (name, vendor, retires_on, retirement_state) VALUES " + "('vm-new-" + remote
                                + "', 'written after migrating', DATE '2030-01-01', 'scheduled')",
                        "INSERT INTO service_templates (name) VALUES ('template of region " + remote + "')",
                        "UPDATE users SET email = 'admin@region" + remote + "' WHERE id BETWEEN " + base + " AND "
                                + (base + 999_999_999_999L));
            }
            fleet.coordinator().hub().resume("test");
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
            try (CommandRun verify = fleet.startAgent(GLOBAL, "kasparov", "replication", "verify")) {
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
        fleet.startDaemon(GLOBAL, "kasparov");
        try (CommandRun global = fleet.startAgent(GLOBAL, "kasparov", "migrate")) {
            global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
            fleet.runToCompletion(1, "kasparov", "migrate");
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
            try (CommandRun status = fleet.startAgent(GLOBAL, "kasparov", "replication", "status")) {
                assertThat(status.awaitExit(PATIENCE)).isZero();
                assertThat(status.output().lines()).contains("region_1_subscription is down: " + why);
            }
            await("the coordinator told why")
                    .atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(fleet.replication(GLOBAL)
                                    .map(ReplicationHealth::problems)
                                    .orElse(List.of()))
                            .contains("subscription region_1_subscription is disabled: " + why));

            fleet.runToCompletion(2, "kasparov", "migrate");
            fleet.coordinator().hub().resume("test");
            assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        } finally {
            fleet.stopDaemon(GLOBAL);
        }
        assertThat(sql.rowsOfRegion(GLOBAL, "vms", 1)).anyMatch(row -> row.contains("vm-new"));
    }

    @Test
    void aRemoteWritingAllThroughTheUpgradeLosesNothing() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> writeUntilStopped(writing, written), "region-1-writer");
        writer.start();
        try (CommandRun global = fleet.startAgent(GLOBAL, "kasparov", "migrate")) {
            global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
            for (int remote : REMOTES) {
                fleet.runToCompletion(remote, "kasparov", "migrate");
            }
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
        try (CommandRun verify = fleet.startAgent(GLOBAL, "kasparov", "replication", "verify")) {
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
}
