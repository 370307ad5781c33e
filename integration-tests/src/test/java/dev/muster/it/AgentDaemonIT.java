package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.common.cli.CommandLines;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.cli.MusterCommand;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.RegionSql;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.RegionStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
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

    private static final int GLOBAL = 99;
    private static final List<Integer> ALL_REGIONS = List.of(GLOBAL, 1, 2);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ConfigFiles configs;
    private Coordinator coordinator;
    private String coordinatorAddress;
    private final List<AgentDaemon> daemons = new ArrayList<>();

    @BeforeEach
    void fleetWithReplication() throws Exception {
        configs = new ConfigFiles(dir, REGIONS.databases());
        coordinatorAddress = "127.0.0.1:" + Ports.free();
        coordinator = Coordinator.start(CoordinatorConfig.load(configs.coordinator(coordinatorAddress, 1, 2)), "test");
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "jansa", "migrate");
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "jansa", "replication", "setup");
        }
    }

    @AfterEach
    void stopEverything() {
        daemons.forEach(AgentDaemon::close);
        if (coordinator != null) {
            coordinator.close();
        }
        new RegionSql(REGIONS.databases()).dropReplication(GLOBAL, 1, 2);
    }

    private static final String DISABLED_BY_HAND = "subscription region_1_subscription is disabled: not by an apply "
            + "error; 'replication setup' enables it";

    @Test
    void daemonsReportReplicationHealthAndTheCoordinatorNamesWhatBreaks() throws Exception {
        ALL_REGIONS.forEach(region -> startDaemon(region, "jansa"));

        await("the global's subscriptions reported healthy")
                .atMost(PATIENCE)
                .until(() -> replication(GLOBAL)
                        .map(health -> health.subscriptions().size() == 2 && health.healthy())
                        .orElse(false));
        await("region 1's publication and slot reported")
                .atMost(PATIENCE)
                .until(() -> replication(1)
                        .map(health -> health.publication().map(p -> p.exists()).orElse(false)
                                && health.slots().stream()
                                        .anyMatch(slot -> slot.name().equals("region_1_subscription")))
                        .orElse(false));

        new RegionSql(REGIONS.databases()).execute(GLOBAL, "ALTER SUBSCRIPTION region_1_subscription DISABLE");

        await("the disabled subscription reported")
                .atMost(PATIENCE)
                .until(() -> replication(GLOBAL)
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
        startDaemon(1, "jansa");
        await("region 1's daemon connected").atMost(PATIENCE).until(() -> sessions(1) == 1);

        try (CommandRun migrate = agent(1, "kasparov", "migrate")) {
            assertThat(migrate.awaitExit(PATIENCE)).as("%s", migrate.output()).isZero();
            assertThat(migrate.output().lines()).noneMatch(line -> line.contains("refused"));
        }

        assertThat(sessions(1)).as("the daemon's session goes on").isEqualTo(1);
        assertThat(coordinator.hub().fleet().region(1).orElseThrow().applied()).containsKey("20200424183342");
    }

    private void startDaemon(int region, String release) {
        AgentDaemon daemon = AgentDaemon.create(AgentConfig.load(config(region, release)), "test");
        daemons.add(daemon);
        daemon.start();
    }

    private Optional<ReplicationHealth> replication(int region) {
        return coordinator.hub().fleet().region(region).flatMap(RegionState::replication);
    }

    private int sessions(int region) {
        return coordinator
                .hub()
                .fleet()
                .region(region)
                .map(state -> state.connections().size())
                .orElse(0);
    }

    private FleetStatus status() throws Exception {
        StringWriter out = new StringWriter();
        int exit = CommandLines.create(new MusterCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true))
                .execute("status", "--output", "json", "--coordinator", coordinatorAddress);
        assertThat(exit).as("%s", out).isZero();
        FleetStatus.Builder status = FleetStatus.newBuilder();
        JsonFormat.parser().merge(out.toString(), status);
        return status.build();
    }

    private void runToCompletion(int region, String release, String... command) throws Exception {
        try (CommandRun run = agent(region, release, command)) {
            assertThat(run.awaitExit(PATIENCE))
                    .as("region %d: %s; %s", region, List.of(command), run.output())
                    .isZero();
        }
    }

    private CommandRun agent(int region, String release, String... command) {
        String[] args = Stream.concat(
                        Stream.of(command),
                        Stream.of("--config", config(region, release).toString()))
                .toArray(String[]::new);
        return new InProcessAgent("region-" + region, args);
    }

    private Path config(int region, String release) {
        return configs.replicatedAgent(region, GLOBAL, List.of(1, 2), coordinatorAddress, release);
    }
}
