package dev.muster.it;

import static dev.muster.it.fixture.ReplicatedFleet.ALL_REGIONS;
import static dev.muster.it.fixture.ReplicatedFleet.GLOBAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.common.tls.TestPki;
import dev.muster.common.tls.TlsFiles;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.RegionSql;
import dev.muster.it.fixture.ReplicatedFleet;
import dev.muster.it.fixture.SchemaHistory;
import dev.muster.it.fixture.TlsProbe;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muster upgrade} on three real servers with live logical replication: the regions'
 * daemons, already on the new code, carry out the whole procedure — teardown, the remotes'
 * migrations, the global's (gated), setup, verify — and the databases prove it went in the
 * safe order and lost no row written before it.
 */
class FleetUpgradeIT {

    private static final String GATED_VERSION = "20200424183342";
    private static final String TARGET = "20200801120000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ReplicatedFleet fleet;

    /** The first release everywhere, replicated; then the new code on every appliance, its daemon restarted. */
    @BeforeEach
    void fleetOnTheFirstReleaseWithTheNewCode() throws Exception {
        fleet = ReplicatedFleet.durableWithTls(dir, REGIONS.databases(), PATIENCE);
        fleet.runOnEveryRegion("jansa", "migrate");
        fleet.runOnEveryRegion("jansa", "replication", "setup");
        ALL_REGIONS.forEach(region -> fleet.startDaemon(region, "kasparov"));
        await("the global's replication reported healthy").atMost(PATIENCE).until(fleet::globalReplicationHealthy);
        await("every daemon connected with the new code")
                .atMost(PATIENCE)
                .until(() -> fleet.everyDaemonConnected()
                        && ALL_REGIONS.stream()
                                .allMatch(region -> fleet.coordinator()
                                        .hub()
                                        .fleet()
                                        .region(region)
                                        .map(state -> state.available().containsKey(TARGET))
                                        .orElse(false)));
    }

    @AfterEach
    void stopEverything() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void oneCommandUpgradesTheFleetInTheSafeOrderAndVerifiesReplication() throws Exception {
        new RegionSql(REGIONS.databases())
                .execute(1, "INSERT INTO vms (name, vendor) VALUES ('vm-before', 'written before')");
        List<FleetEvent> events = new CopyOnWriteArrayList<>();
        Map<Integer, Integer> mostSessions = new ConcurrentHashMap<>();
        fleet.coordinator().hub().observe((FleetObserver) (current, happened) -> {
            events.addAll(happened);
            // what the coordinator's muster_region_sessions gauge shows, at every change
            current.regions()
                    .values()
                    .forEach(state -> mostSessions.merge(
                            state.region(), state.connections().size(), Math::max));
        });

        String output = fleet.muster(0, "upgrade", "--to", TARGET, "--teardown", "disable");

        assertThat(output)
                .contains(
                        "==> tear replication down (--mode disable)",
                        "==> migrate the remotes [1, 2]",
                        "==> migrate the global",
                        "==> set replication up again",
                        "==> verify replication",
                        "Upgrade done: the fleet is at " + TARGET + " with replication verified");
        for (int region : ALL_REGIONS) {
            assertThat(SchemaHistory.of(REGIONS.databases().database(region)).has(TARGET))
                    .as("region %d", region)
                    .isTrue();
        }
        SchemaHistory global = SchemaHistory.of(REGIONS.databases().database(GLOBAL));
        for (int remote : List.of(1, 2)) {
            assertThat(global.installedOn().get(GATED_VERSION))
                    .as("the global began after region %d committed", remote)
                    .isAfter(SchemaHistory.of(REGIONS.databases().database(remote))
                            .committedAt()
                            .get(GATED_VERSION));
        }
        assertThat(count(GLOBAL, "SELECT count(*) FROM vms WHERE vendor = 'written before'"))
                .isOne();
        // the coordinator stores its events behind, on another thread
        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(fleet.lastStoredEvent("UPGRADE")).contains("upgrade done"));
        // every step ran on its daemon's session: no region had a second one, nobody connected anew
        assertThat(mostSessions)
                .containsOnlyKeys(ALL_REGIONS)
                .allSatisfy((region, sessions) ->
                        assertThat(sessions).as("region %d's sessions", region).isOne());
        assertThat(events).noneMatch(event -> event.kind() == EventKind.CONNECTED);
        assertThat(events)
                .filteredOn(event -> event.kind() == EventKind.MIGRATION_APPLIED)
                .extracting(event -> event.region().orElseThrow())
                .as("each region's migrations, told on its daemon's session")
                .containsOnly(GLOBAL, 1, 2);
    }

    @Test
    void runningItAgainGoesOnFromWhereTheFleetIsWithoutMigratingOrTearingDownAgain() throws Exception {
        fleet.muster(0, "upgrade", "--to", TARGET);

        String again = fleet.muster(0, "upgrade", "--to", TARGET);

        assertThat(again)
                .doesNotContain("==> tear replication down", "==> migrate the remotes", "==> migrate the global")
                .contains("==> set replication up again", "Upgrade done");
    }

    @Test
    void certificatesRenewedOnDiskDuringAnUpgradeTakeEffectWithoutARestart() throws Exception {
        TestPki pki = fleet.configs().pki().orElseThrow();
        List<FleetEvent> events = new CopyOnWriteArrayList<>();
        fleet.coordinator().hub().observe((FleetObserver) (current, happened) -> events.addAll(happened));
        String address = fleet.coordinatorAddress();
        String host = address.substring(0, address.lastIndexOf(':'));
        int port = fleet.coordinator().port();
        TlsFiles admin = pki.operator(ConfigFiles.ADMIN);
        BigInteger served = TlsProbe.serverCertificate(host, port, admin);

        CompletableFuture<String> upgrade = CompletableFuture.supplyAsync(
                () -> fleet.muster(0, "upgrade", "--to", TARGET, "--teardown", "disable"));
        await("the upgrade at the global's migration")
                .atMost(PATIENCE)
                .until(() -> events.stream()
                        .anyMatch(event -> event.kind() == EventKind.UPGRADE
                                && event.detail().contains("migrate the global")));
        BigInteger renewedServer = TlsProbe.serial(pki.coordinator().cert());
        BigInteger renewedRegion = TlsProbe.serial(pki.region(1).cert());

        assertThat(upgrade)
                .as("the upgrade still running when the certificates were renewed")
                .isNotDone();
        assertThat(TlsProbe.serverCertificate(host, port, admin))
                .as("the next handshake")
                .isEqualTo(renewedServer)
                .isNotEqualTo(served);
        assertThat(upgrade.get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS))
                .contains("Upgrade done: the fleet is at " + TARGET + " with replication verified");

        // sessions made before the renewal went on; made again, they show the renewed certificate
        fleet.restartCoordinator();
        await("region 1's daemon connected again")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(fleet.lastStoredEvent("CONNECTED", 1))
                        .contains("with certificate " + renewedRegion.toString(16)));
    }

    @Test
    void aRegionWithoutItsDaemonStopsTheUpgradeBeforeItChangesAnything() throws Exception {
        fleet.stopDaemon(2);
        await().atMost(PATIENCE).until(() -> !fleet.coordinator().hub().hasDaemon(2));

        String output = fleet.muster(1, "upgrade", "--to", TARGET);

        assertThat(output)
                .contains(
                        "stopped at 'preflight'",
                        "region 2 has no agent daemon connected",
                        "muster upgrade --to " + TARGET);
        assertThat(SchemaHistory.of(REGIONS.databases().database(1)).has(GATED_VERSION))
                .as("nothing migrated")
                .isFalse();
        assertThat(fleet.replication(GLOBAL).map(ReplicationHealth::healthy))
                .as("replication left up")
                .contains(true);
    }

    private long count(int region, String sql) throws Exception {
        try (Connection connection = REGIONS.databases().database(region).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
