package dev.muster.it;

import static dev.muster.it.fixture.ReplicatedFleet.ALL_REGIONS;
import static dev.muster.it.fixture.ReplicatedFleet.GLOBAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.RegionSql;
import dev.muster.it.fixture.ReplicatedFleet;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.RegionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents' daemons ({@code muster-agent run}) on three real servers with live logical
 * replication: they keep their sessions up and report replication health, which the
 * coordinator keeps and {@code muster status} shows; a {@code migrate} run by hand on a
 * region whose daemon is connected is admitted beside it.
 */
class AgentDaemonIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ReplicatedFleet fleet;

    @BeforeEach
    void fleetWithReplication() throws Exception {
        fleet = ReplicatedFleet.inMemory(dir, REGIONS.databases(), PATIENCE);
        fleet.runOnEveryRegion("jansa", "migrate");
        fleet.runOnEveryRegion("jansa", "replication", "setup");
    }

    @AfterEach
    void stopEverything() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static final String DISABLED_BY_HAND = "subscription region_1_subscription is disabled: not by an apply "
            + "error; 'replication setup' enables it";

    @Test
    void daemonsReportReplicationHealthAndTheCoordinatorNamesWhatBreaks() throws Exception {
        ALL_REGIONS.forEach(region -> fleet.startDaemon(region, "jansa"));

        await("the global's subscriptions reported healthy").atMost(PATIENCE).until(fleet::globalReplicationHealthy);
        await("region 1's publication and slot reported")
                .atMost(PATIENCE)
                .until(() -> fleet.replication(1)
                        .map(health -> health.publication().map(p -> p.exists()).orElse(false)
                                && health.slots().stream()
                                        .anyMatch(slot -> slot.name().equals("region_1_subscription")))
                        .orElse(false));

        new RegionSql(REGIONS.databases()).execute(GLOBAL, "ALTER SUBSCRIPTION region_1_subscription DISABLE");

        await("the disabled subscription reported")
                .atMost(PATIENCE)
                .until(() -> fleet.replication(GLOBAL)
                        .map(ReplicationHealth::problems)
                        .orElse(List.of())
                        .contains(DISABLED_BY_HAND));
        RegionStatus global = status().getRegionsList().stream()
                .filter(region -> region.getRegion() == GLOBAL)
                .findFirst()
                .orElseThrow();
        assertThat(global.getReplicationProblemsList()).contains(DISABLED_BY_HAND);
        assertThat(global.getSessions()).isEqualTo(1);
    }

    @Test
    void aMigrateRunByHandIsAdmittedBesideTheRegionsDaemonAndTheDaemonStays() throws Exception {
        fleet.startDaemon(1, "jansa");
        await("region 1's daemon connected").atMost(PATIENCE).until(() -> sessions(1) == 1);

        try (CommandRun migrate = fleet.startAgent(1, "kasparov", "migrate")) {
            assertThat(migrate.awaitExit(PATIENCE)).as("%s", migrate.output()).isZero();
            assertThat(migrate.output().lines()).noneMatch(line -> line.contains("refused"));
        }

        assertThat(sessions(1)).as("the daemon's session goes on").isEqualTo(1);
        assertThat(fleet.coordinator().hub().fleet().region(1).orElseThrow().applied())
                .containsKey("20200424183342");
    }

    private int sessions(int region) {
        return fleet.coordinator()
                .hub()
                .fleet()
                .region(region)
                .map(state -> state.connections().size())
                .orElse(0);
    }

    private FleetStatus status() throws Exception {
        FleetStatus.Builder status = FleetStatus.newBuilder();
        JsonFormat.parser().merge(fleet.muster(0, "status", "--output", "json"), status);
        return status.build();
    }
}
