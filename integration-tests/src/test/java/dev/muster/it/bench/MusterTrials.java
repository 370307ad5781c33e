package dev.muster.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.RegionMigrations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Trials of muster: a coordinator in this JVM, plaintext on loopback, its fleet in memory,
 * and each region's {@code muster-agent migrate} run in this JVM as an operator runs it by
 * hand. Per trial the global's starts first and waits, then region 1's runs to its end,
 * then region 2's.
 */
public final class MusterTrials implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final BenchmarkServers servers;
    private final TrialMigrations migrations;
    private final LoopbackCoordinator coordinator;
    private final Map<Integer, Path> agentConfigs = new HashMap<>();

    private MusterTrials(BenchmarkServers servers, TrialMigrations migrations, LoopbackCoordinator coordinator) {
        this.servers = servers;
        this.migrations = migrations;
        this.coordinator = coordinator;
    }

    public static MusterTrials start(BenchmarkServers servers, Path dir) throws IOException {
        MusterTrials trials = new MusterTrials(
                servers, new TrialMigrations(dir.resolve("muster-migrations")), LoopbackCoordinator.start(dir));
        for (int region : servers.regions()) {
            trials.agentConfigs.put(
                    region,
                    AgentConfigFile.write(
                            dir.resolve("agent-" + region + ".yaml"),
                            region,
                            servers.database(region),
                            trials.migrations.location(),
                            trials.coordinator.address()));
        }
        return trials;
    }

    /** Runs trial {@code trial}; region 1 starts {@code pause} after the global has begun to wait. */
    public TrialTimes run(int trial, Duration pause) throws Exception {
        String version = migrations.add(trial);
        try (InProcessAgent global = migrate(BenchmarkServers.GLOBAL)) {
            global.output().awaitLine(RegionMigrations.waitLine(1, version), 0, PATIENCE);
            Thread.sleep(pause.toMillis());
            for (int remote : BenchmarkServers.REMOTES) {
                try (InProcessAgent region = migrate(remote)) {
                    assertThat(region.awaitExit(PATIENCE))
                            .as("region %d's migrate; %s", remote, region.output())
                            .isZero();
                }
            }
            assertThat(global.awaitExit(PATIENCE))
                    .as("the global's migrate; %s", global.output())
                    .isZero();
        }
        return TrialTimes.read(
                version, servers.dataSource(BenchmarkServers.GLOBAL), servers.dataSource(1), servers.dataSource(2));
    }

    private InProcessAgent migrate(int region) {
        return new InProcessAgent(
                "region-" + region,
                "migrate",
                "--config",
                agentConfigs.get(region).toString());
    }

    @Override
    public void close() {
        coordinator.close();
    }
}
