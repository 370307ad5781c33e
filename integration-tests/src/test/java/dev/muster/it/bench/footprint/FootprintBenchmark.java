package dev.muster.it.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.config.DatabaseConfig;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.it.bench.AgentConfigFile;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.PostgresFleet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * The agent's footprint on an appliance: its daemon ({@code muster-agent run}, as systemd
 * starts it, through the distribution's launcher) on a remote region with {@code migrations}
 * applied, a coordinator in the benchmark's JVM. Each trial starts the daemon, times it to
 * the coordinator's welcome, samples its resident set once a second for {@code idle} and
 * stops it with SIGTERM.
 */
public final class FootprintBenchmark {

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Duration SAMPLE = Duration.ofSeconds(1);

    private FootprintBenchmark() {}

    public static List<DaemonFootprint> run(Path dir, int migrations, int trials, Duration idle, PrintStream out)
            throws Exception {
        try (PostgresFleet servers = PostgresFleet.start(1)) {
            String location = "filesystem:" + migrationFiles(dir, migrations);
            DatabaseConfig database = new DatabaseConfig(servers.jdbcUrl(1), PostgresFleet.USER, Optional.empty());
            var unused = Flyway.configure()
                    .dataSource(servers.database(1))
                    .locations(location)
                    .load()
                    .migrate();
            String address = "127.0.0.1:" + Ports.free();
            Path coordinatorConfig =
                    Files.writeString(dir.resolve("coordinator.yaml"), "listen: \"" + address + "\"\nregions: [1]\n");
            Path agentConfig = AgentConfigFile.write(dir.resolve("agent.yaml"), 1, database, location, address);
            List<DaemonFootprint> footprints = new ArrayList<>();
            try (Coordinator coordinator = Coordinator.start(CoordinatorConfig.load(coordinatorConfig), "benchmark")) {
                for (int trial = 1; trial <= trials; trial++) {
                    DaemonFootprint footprint = trial(agentConfig, idle);
                    out.printf(
                            Locale.ROOT,
                            "agent footprint, trial %d of %d: welcomed %d ms after start; resident %d MiB after %d s idle"
                                    + " (peak %d MiB)%n",
                            trial,
                            trials,
                            footprint.toWelcome().toMillis(),
                            footprint.idleRssKiB() / 1024,
                            idle.toSeconds(),
                            footprint.peakRssKiB() / 1024);
                    footprints.add(footprint);
                }
            }
            return footprints;
        }
    }

    private static DaemonFootprint trial(Path agentConfig, Duration idle) throws Exception {
        long start = System.nanoTime();
        try (LauncherProcess daemon = new LauncherProcess(
                "daemon",
                Distribution.bin("muster-agent"),
                Map.of("MUSTER_LOG_LEVEL", "INFO"),
                "run",
                "--config",
                agentConfig.toString())) {
            daemon.output().awaitLineMatching(line -> line.contains("Connected to the coordinator at"), PATIENCE);
            Duration toWelcome = Duration.ofNanos(System.nanoTime() - start);
            long peak = 0;
            long rss = 0;
            // The daemon is left alone for a set time: what it holds then is its idle footprint.
            for (long waited = 0; waited < idle.toMillis(); waited += SAMPLE.toMillis()) {
                Thread.sleep(SAMPLE.toMillis());
                rss = residentKiB(daemon.pid());
                peak = Math.max(peak, rss);
            }
            assertThat(daemon.terminate(PATIENCE)).as("%s", daemon.output()).isEqualTo(143);
            return new DaemonFootprint(toWelcome, rss, peak);
        }
    }

    /** VmRSS from /proc: the pages of the process in memory now. */
    private static long residentKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    private static Path migrationFiles(Path dir, int migrations) throws IOException {
        Path files = Files.createDirectories(dir.resolve("migrations"));
        for (int i = 1; i <= migrations; i++) {
            Files.writeString(
                    files.resolve("V" + (20210101000000L + i) + "__footprint_" + i + ".sql"),
                    "CREATE TABLE footprint_" + i + " (id bigint PRIMARY KEY);\n");
        }
        return files;
    }
}
