package dev.muster.it.bench.overhead;

import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.it.bench.AgentConfigFile;
import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.RegionMigrations;
import dev.muster.it.fixture.SchemaHistory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The coordination-overhead benchmark: the same migrations brought to three regions by plain
 * Flyway and by muster, every region in a JVM of its own as an operator runs it, each
 * procedure on fresh databases of the same servers, one of each in turn per trial. Besides
 * the totals it measures the floors a run stands on (the launcher's JVM alone; a run with
 * nothing to apply), so that the remainder can be told apart. Checks that every run left
 * every region at the last version and, where muster coordinated, that the global began
 * each version after both remotes had committed it.
 */
public final class OverheadBenchmark {

    static final String LAUNCHER_FLOOR = "`muster-agent --version` (JVM start, the launcher)";
    static final String PLAIN_NOOP_FLOOR = "plain Flyway, nothing to apply (JVM, connect, validate)";
    static final String PLAIN_NOOP_SHORT_RUN_OPTIONS_FLOOR =
            "plain Flyway on the launcher's JVM options, nothing to apply";
    /** What the launcher gives every command but the daemon: see its script. */
    static final List<String> SHORT_RUN_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static final String MUSTER_NOOP_FLOOR = "`muster-agent migrate`, nothing to apply (JVM, connect, session, info)";
    static final String MUSTER_NOOP_WITHOUT_CDS_FLOOR =
            "`muster-agent migrate` without its class data archive, nothing to apply";
    private static final List<Integer> ORDER = List.of(1, 2, BenchmarkServers.GLOBAL);

    private final BenchmarkServers servers;
    private final Path dir;
    private final List<String> versions;
    private final RegionProcesses processes;
    private final Path cache;

    private OverheadBenchmark(BenchmarkServers servers, Path dir, List<String> versions, String location) {
        this.servers = servers;
        this.dir = dir;
        this.versions = versions;
        this.processes = new RegionProcesses(location);
        this.cache = dir.resolve("launcher-cache");
    }

    public static OverheadResults run(
            BenchmarkServers servers, Path dir, int migrations, int trials, int warmUp, PrintStream out)
            throws Exception {
        Path files = Files.createDirectories(dir.resolve("migrations"));
        List<String> versions = new ArrayList<>();
        for (int i = 1; i <= migrations; i++) {
            String version = String.valueOf(20210101000000L + i);
            versions.add(version);
            Files.writeString(
                    files.resolve("V" + version + "__overhead_" + i + ".sql"),
                    "CREATE TABLE overhead_" + i + " (id bigint PRIMARY KEY, note text);\n");
        }
        OverheadBenchmark benchmark = new OverheadBenchmark(servers, dir, versions, "filesystem:" + files);
        benchmark.trainArchive();
        Map<OverheadProcedure, List<OverheadRun>> runs = new EnumMap<>(OverheadProcedure.class);
        Map<String, List<Duration>> floors = new LinkedHashMap<>();
        for (int trial = 1; trial <= warmUp + trials; trial++) {
            boolean counted = trial > warmUp;
            for (OverheadProcedure procedure : OverheadProcedure.values()) {
                Map<String, Duration> trialFloors = new LinkedHashMap<>();
                OverheadRun run = benchmark.trial(trial, procedure, trialFloors);
                out.printf(
                        Locale.ROOT,
                        "overhead, trial %d of %d%s: %s: %d ms %s; %s%n",
                        trial,
                        warmUp + trials,
                        counted ? "" : " (warm-up)",
                        procedure.label(),
                        run.total().toMillis(),
                        millis(run.regions()),
                        millis(trialFloors));
                if (counted) {
                    runs.computeIfAbsent(procedure, unused -> new ArrayList<>()).add(run);
                    trialFloors.forEach((floor, time) -> floors.computeIfAbsent(floor, unused -> new ArrayList<>())
                            .add(time));
                }
            }
        }
        return new OverheadResults(migrations, runs, floors);
    }

    /**
     * The launcher's first {@code migrate} writes its class data archive as the JVM exits (the
     * classes that run loaded, for later runs to map instead of loading them from the jars); the
     * benchmark measures the runs after it, as an operator meets them.
     */
    private void trainArchive() throws Exception {
        try (Databases databases = new Databases("overhead_training");
                CoordinatorHandle coordinator = CoordinatorHandle.start(dir.resolve("training"))) {
            for (int region : ORDER) {
                var unused = timed(processes.musterAgent(
                        region, coordinator.agentConfig(region, databases, processes), shipped(), "migrate"));
            }
        }
        try (var files = Files.list(cache)) {
            if (files.noneMatch(file -> file.getFileName().toString().startsWith("migrate-"))) {
                throw new IllegalStateException("the launcher wrote no class data archive into " + cache);
            }
        }
    }

    private OverheadRun trial(int trial, OverheadProcedure procedure, Map<String, Duration> floors) throws Exception {
        String name = "overhead_" + trial + "_" + procedure.name().toLowerCase(Locale.ROOT);
        try (Databases databases = new Databases(name)) {
            OverheadRun run;
            if (procedure.plain()) {
                List<String> options = procedure == OverheadProcedure.PLAIN_FLYWAY ? List.of() : SHORT_RUN_OPTIONS;
                run = plainFlyway(procedure, databases, options);
                floors.put(
                        options.isEmpty() ? PLAIN_NOOP_FLOOR : PLAIN_NOOP_SHORT_RUN_OPTIONS_FLOOR,
                        timed(processes.plainFlyway(
                                BenchmarkServers.GLOBAL, databases.of(BenchmarkServers.GLOBAL), options)));
                if (options.isEmpty()) {
                    floors.put(LAUNCHER_FLOOR, timed(processes.launcherVersion(Map.of())));
                }
            } else {
                try (CoordinatorHandle coordinator = CoordinatorHandle.start(dir.resolve(name))) {
                    run = muster(procedure, databases, coordinator);
                    if (procedure != OverheadProcedure.MUSTER_SEED_ORDER) {
                        floors.put(
                                procedure == OverheadProcedure.MUSTER
                                        ? MUSTER_NOOP_FLOOR
                                        : MUSTER_NOOP_WITHOUT_CDS_FLOOR,
                                timed(processes.musterAgent(
                                        BenchmarkServers.GLOBAL,
                                        coordinator.agentConfig(BenchmarkServers.GLOBAL, databases, processes),
                                        environment(procedure),
                                        "migrate")));
                    }
                }
            }
            databases.checkMigrated(procedure.coordinated());
            return run;
        }
    }

    private OverheadRun plainFlyway(OverheadProcedure procedure, Databases databases, List<String> jvmOptions)
            throws Exception {
        Map<Integer, Duration> regions = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int region : ORDER) {
            regions.put(region, timed(processes.plainFlyway(region, databases.of(region), jvmOptions)));
        }
        return new OverheadRun(procedure, Duration.ofNanos(System.nanoTime() - start), regions);
    }

    private OverheadRun muster(OverheadProcedure procedure, Databases databases, CoordinatorHandle coordinator)
            throws Exception {
        Map<String, String> environment = environment(procedure);
        Map<Integer, Path> configs = new LinkedHashMap<>();
        for (int region : ORDER) {
            configs.put(region, coordinator.agentConfig(region, databases, processes));
        }
        Map<Integer, Duration> regions = new LinkedHashMap<>();
        long start = System.nanoTime();
        if (procedure == OverheadProcedure.MUSTER_SEED_ORDER) {
            try (LauncherProcess global = processes.musterAgent(
                    BenchmarkServers.GLOBAL, configs.get(BenchmarkServers.GLOBAL), environment, "migrate")) {
                global.output().awaitLine(RegionMigrations.waitLine(1, versions.get(0)), 0, RegionProcesses.PATIENCE);
                for (int remote : BenchmarkServers.REMOTES) {
                    regions.put(
                            remote, timed(processes.musterAgent(remote, configs.get(remote), environment, "migrate")));
                }
                regions.put(BenchmarkServers.GLOBAL, RegionProcesses.awaitSuccess(global, start));
            }
        } else {
            for (int region : ORDER) {
                regions.put(region, timed(processes.musterAgent(region, configs.get(region), environment, "migrate")));
            }
        }
        return new OverheadRun(procedure, Duration.ofNanos(System.nanoTime() - start), regions);
    }

    private Map<String, String> environment(OverheadProcedure procedure) {
        return procedure == OverheadProcedure.MUSTER_WITHOUT_CDS ? Map.of("MUSTER_CDS", "off") : shipped();
    }

    /** The launcher as shipped, its class data archive in a directory of the benchmark's own. */
    private Map<String, String> shipped() {
        return Map.of("MUSTER_CACHE_DIR", cache.toString());
    }

    private static Duration timed(LauncherProcess process) throws Exception {
        return RegionProcesses.awaitSuccess(process, System.nanoTime());
    }

    private static String millis(Map<?, Duration> times) {
        List<String> parts = new ArrayList<>();
        times.forEach((key, time) -> parts.add(key + " " + time.toMillis() + " ms"));
        return String.join(", ", parts);
    }

    /** One fresh database per region for one run, dropped when it closes. */
    private final class Databases implements AutoCloseable {

        private final String name;
        private final Map<Integer, DatabaseConfig> databases = new LinkedHashMap<>();

        Databases(String name) {
            this.name = name;
            for (int region : servers.regions()) {
                databases.put(region, servers.freshDatabase(region, name));
            }
        }

        DatabaseConfig of(int region) {
            return databases.get(region);
        }

        /** Every region has every version; with {@code coordinated}, the global began each after both remotes committed it. */
        void checkMigrated(boolean coordinated) throws SQLException {
            Map<Integer, SchemaHistory> histories = new LinkedHashMap<>();
            for (int region : ORDER) {
                SchemaHistory history = SchemaHistory.of(dataSource(databases.get(region)));
                if (!history.installedOn().keySet().containsAll(versions)) {
                    throw new IllegalStateException("region " + region + " of " + name + " lacks migrations: "
                            + history.installedOn().keySet());
                }
                histories.put(region, history);
            }
            if (coordinated) {
                for (String version : versions) {
                    for (int remote : BenchmarkServers.REMOTES) {
                        var began = histories
                                .get(BenchmarkServers.GLOBAL)
                                .installedOn()
                                .get(version);
                        var committed = histories.get(remote).committedAt().get(version);
                        if (!began.isAfter(committed)) {
                            throw new IllegalStateException("safety invariant broken in " + name + ": the global began "
                                    + version + " at " + began + ", not after region " + remote + " committed it at "
                                    + committed);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            for (int region : servers.regions()) {
                servers.dropDatabase(region, name);
            }
        }
    }

    private static DataSource dataSource(DatabaseConfig database) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(database.url());
        source.setUser(database.user());
        database.password().map(Secret::reveal).ifPresent(source::setPassword);
        return source;
    }

    /** A coordinator in this JVM, plaintext on loopback, for one run; it is not what is measured. */
    private record CoordinatorHandle(Coordinator coordinator, String address, Path dir) implements AutoCloseable {

        static CoordinatorHandle start(Path dir) throws IOException {
            Files.createDirectories(dir);
            String address = "127.0.0.1:" + Ports.free();
            Path config = Files.writeString(
                    dir.resolve("coordinator.yaml"), "listen: \"" + address + "\"\nregions: [1, 2]\n");
            return new CoordinatorHandle(Coordinator.start(CoordinatorConfig.load(config), "benchmark"), address, dir);
        }

        Path agentConfig(int region, Databases databases, RegionProcesses processes) throws IOException {
            return AgentConfigFile.write(
                    dir.resolve("agent-" + region + ".yaml"),
                    region,
                    databases.of(region),
                    processes.location(),
                    address);
        }

        @Override
        public void close() {
            coordinator.close();
        }
    }
}
