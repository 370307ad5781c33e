package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.OperatorCli;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.RegionSql;
import dev.muster.it.fixture.SchemaHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator puts the new release in place under running daemons (the seed's
 * {@code git checkout}: here the kasparov files copied into each region's migration
 * directory) and plans and upgrades at once, restarting nothing.
 */
class CodeOnDiskIT {

    private static final int GLOBAL = ConfigFiles.GLOBAL;
    private static final List<Integer> REMOTES = List.of(1, 2);
    private static final List<Integer> ALL_REGIONS = List.of(GLOBAL, 1, 2);
    private static final String TARGET = "20200801120000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ConfigFiles configs;
    private Coordinator coordinator;
    private String coordinatorAddress;
    private final Map<Integer, AgentDaemon> daemons = new HashMap<>();

    @BeforeEach
    void daemonsRunningOnTheFirstRelease() throws Exception {
        configs = new ConfigFiles(dir, REGIONS.databases()).withTls();
        coordinatorAddress = "127.0.0.1:" + Ports.free();
        coordinator = Coordinator.start(
                CoordinatorConfig.load(configs.durableCoordinator(coordinatorAddress, GLOBAL, 1, 2)), "test");
        for (int region : ALL_REGIONS) {
            copyRelease("jansa", code(region));
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "migrate");
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            runToCompletion(region, "replication", "setup");
        }
        for (int region : ALL_REGIONS) {
            AgentDaemon daemon = AgentDaemon.create(AgentConfig.load(config(region)), "test");
            daemons.put(region, daemon);
            daemon.start();
        }
        await("every daemon connected, the global's replication healthy")
                .atMost(PATIENCE)
                .until(() -> ALL_REGIONS.stream().allMatch(coordinator.hub()::hasDaemon)
                        && coordinator
                                .hub()
                                .fleet()
                                .region(GLOBAL)
                                .flatMap(RegionState::replication)
                                .map(health -> health.subscriptions().size() == 2 && health.healthy())
                                .orElse(false));
    }

    @AfterEach
    void stopEverything() {
        daemons.values().forEach(AgentDaemon::close);
        if (coordinator != null) {
            coordinator.close();
        }
        new RegionSql(REGIONS.databases()).dropReplication(GLOBAL, 1, 2);
    }

    @Test
    void newCodeUnderRunningDaemonsIsPlannedAndUpgradedToWithoutARestart() throws Exception {
        String before = muster(1, "plan", "--to", TARGET);
        assertThat(before).contains("code does not contain migration " + TARGET, "its files read at");

        for (int region : ALL_REGIONS) {
            copyRelease("kasparov", code(region));
        }

        // no waiting: the plan asks each daemon to read its files first
        String plan = muster(0, "plan", "--to", TARGET);
        assertThat(plan).doesNotContain("does not contain").contains(TARGET);
        String upgrade = muster(0, "upgrade", "--to", TARGET, "--teardown", "disable");
        assertThat(upgrade).contains("Upgrade done: the fleet is at " + TARGET + " with replication verified");
        for (int region : ALL_REGIONS) {
            assertThat(SchemaHistory.of(REGIONS.databases().database(region)).has(TARGET))
                    .as("region %d", region)
                    .isTrue();
        }
        await("each region's new code in the event log")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(storedCodeEvents())
                        .hasSize(3)
                        .allSatisfy(detail -> assertThat(detail).contains("newest " + TARGET)));
        assertThat(daemons.values()).as("no daemon restarted").hasSize(3);
    }

    private Path code(int region) {
        return dir.resolve("code-" + region);
    }

    private Path config(int region) {
        return configs.replicatedAgent(
                region, GLOBAL, REMOTES, coordinatorAddress, "on-disk", "filesystem:" + code(region));
    }

    /** Copies a sample release's files into {@code target}, as an operator puts code in place. */
    private static void copyRelease(String release, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(
                    Distribution.home().resolve("share/sample/migrations").resolve(release))) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String muster(int expectedExit, String... args) {
        return new OperatorCli(configs, coordinatorAddress).run(expectedExit, args);
    }

    private void runToCompletion(int region, String... command) throws Exception {
        String[] args = Stream.concat(
                        Stream.of(command), Stream.of("--config", config(region).toString()))
                .toArray(String[]::new);
        try (CommandRun run = new InProcessAgent("region-" + region, args)) {
            assertThat(run.awaitExit(PATIENCE))
                    .as("region %d: %s; %s", region, List.of(command), run.output())
                    .isZero();
        }
    }

    private static List<String> storedCodeEvents() throws Exception {
        try (Connection connection = REGIONS.databases().database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT detail FROM muster.fleet_event WHERE kind = 'CODE'")) {
            List<String> details = new ArrayList<>();
            while (result.next()) {
                details.add(result.getString(1));
            }
            return details;
        }
    }
}
