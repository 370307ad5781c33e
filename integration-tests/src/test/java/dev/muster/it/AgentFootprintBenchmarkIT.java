package dev.muster.it;

import dev.muster.it.bench.BenchmarkEnvironment;
import dev.muster.it.bench.footprint.DaemonFootprint;
import dev.muster.it.bench.footprint.FootprintBenchmark;
import dev.muster.it.bench.footprint.FootprintReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent daemon's footprint: time from start to the coordinator's welcome, and resident
 * memory when idle. Prints the figures and asserts none. {@code ./mvnw -B verify -Pbenchmarks}
 * runs it and writes {@code docs/benchmarks-footprint.md} (as does {@code -Dbench.report=true});
 * {@code -Dbench.footprint.trials=N} changes the trials (default {@value #DEFAULT_TRIALS}).
 */
class AgentFootprintBenchmarkIT {

    private static final int DEFAULT_TRIALS = 5;
    private static final int MIGRATIONS = 200;
    private static final Duration IDLE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void startAndIdleMemoryOfTheDaemon() throws Exception {
        String loadBefore = BenchmarkEnvironment.loadAverage();
        Optional<Path> docs =
                Optional.ofNullable(System.getProperty("bench.docs")).map(Path::of);
        List<DaemonFootprint> trials = FootprintBenchmark.run(
                dir, MIGRATIONS, Integer.getInteger("bench.footprint.trials", DEFAULT_TRIALS), IDLE, System.out);
        FootprintReport report = new FootprintReport(
                BenchmarkEnvironment.capture(loadBefore, docs.map(Path::getParent)),
                trials,
                MIGRATIONS,
                IDLE,
                Optional.ofNullable(System.getProperty("bench.note")));
        System.out.println(report.table());
        if (Boolean.getBoolean("bench.report")) {
            Path written = docs.orElseThrow(() -> new IllegalStateException("bench.docs names no directory"));
            report.write(written);
            System.out.println("Written: " + written.resolve(FootprintReport.DOCUMENT));
        }
    }
}
