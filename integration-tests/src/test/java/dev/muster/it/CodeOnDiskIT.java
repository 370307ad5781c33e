package dev.muster.it;

import static dev.muster.it.fixture.ReplicatedFleet.ALL_REGIONS;
import static dev.muster.it.fixture.ReplicatedFleet.GLOBAL;
import static dev.muster.it.fixture.ReplicatedFleet.REMOTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.ReplicatedFleet;
import dev.muster.it.fixture.SchemaHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    private static final String TARGET = "20200801120000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ReplicatedFleet fleet;

    @BeforeEach
    void daemonsRunningOnTheFirstRelease() throws Exception {
        fleet = ReplicatedFleet.durableWithTls(dir, REGIONS.databases(), PATIENCE);
        for (int region : ALL_REGIONS) {
            copyRelease("jansa", code(region));
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            fleet.runToCompletion(region, config(region), "migrate");
        }
        for (int region : List.of(1, 2, GLOBAL)) {
            fleet.runToCompletion(region, config(region), "replication", "setup");
        }
        for (int region : ALL_REGIONS) {
            fleet.startDaemon(region, config(region));
        }
        await("every daemon connected, the global's replication healthy")
                .atMost(PATIENCE)
                .until(() -> fleet.everyDaemonConnected() && fleet.globalReplicationHealthy());
    }

    @AfterEach
    void stopEverything() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void newCodeUnderRunningDaemonsIsPlannedAndUpgradedToWithoutARestart() throws Exception {
        String before = fleet.muster(1, "plan", "--to", TARGET);
        assertThat(before).contains("code does not contain migration " + TARGET, "its files read at");

        for (int region : ALL_REGIONS) {
            copyRelease("kasparov", code(region));
        }

        // no waiting: the plan asks each daemon to read its files first
        String plan = fleet.muster(0, "plan", "--to", TARGET);
        assertThat(plan).doesNotContain("does not contain").contains(TARGET);
        String upgrade = fleet.muster(0, "upgrade", "--to", TARGET, "--teardown", "disable");
        assertThat(upgrade).contains("Upgrade done: the fleet is at " + TARGET + " with replication verified");
        for (int region : ALL_REGIONS) {
            assertThat(SchemaHistory.of(REGIONS.databases().database(region)).has(TARGET))
                    .as("region %d", region)
                    .isTrue();
        }
        await("each region's new code in the event log")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(fleet.storedEvents("CODE"))
                        .hasSize(3)
                        .allSatisfy(detail -> assertThat(detail).contains("newest " + TARGET)));
        assertThat(fleet.daemons()).as("no daemon restarted").hasSize(3);
    }

    private Path code(int region) {
        return dir.resolve("code-" + region);
    }

    /** {@code region}'s agent, its migrations the files in its code directory. */
    private Path config(int region) {
        return fleet.configs()
                .replicatedAgent(
                        region, GLOBAL, REMOTES, fleet.coordinatorAddress(), "on-disk", "filesystem:" + code(region));
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
}
