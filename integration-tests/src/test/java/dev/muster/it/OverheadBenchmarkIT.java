package dev.muster.it;

import dev.muster.it.bench.BenchmarkEnvironment;
import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.overhead.OverheadBenchmark;
import dev.muster.it.bench.overhead.OverheadReport;
import dev.muster.it.bench.overhead.OverheadResults;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What coordination costs an operator who upgrades by hand: 200 migrations on three regions
 * by plain Flyway and by {@code muster-agent migrate}, every region in a JVM of its own.
 * Prints the figures; fails only if a run leaves a region short of a migration or breaks the
 * safety invariant. {@code docs/benchmarks-overhead.md} tells the method.
 *
 * <p>{@code ./mvnw -B verify -Pbenchmarks} runs it and writes the document (as does
 * {@code -Dbench.report=true}); {@code -Dbench.overhead.trials=N} and
 * {@code -Dbench.overhead.migrations=N} change the counted trials (default
 * {@value #DEFAULT_TRIALS}) and the migrations (default {@value #DEFAULT_MIGRATIONS});
 * {@code -Dbench.note=TEXT} adds a note; the servers are chosen as for
 * {@link ReleaseLatencyBenchmarkIT}.
 */
class OverheadBenchmarkIT {

    private static final int DEFAULT_TRIALS = 5;
    private static final int DEFAULT_MIGRATIONS = 200;

    @TempDir
    Path dir;

    @Test
    void musterAgainstPlainFlyway() throws Exception {
        String loadBefore = BenchmarkEnvironment.loadAverage();
        Optional<Path> docs =
                Optional.ofNullable(System.getProperty("bench.docs")).map(Path::of);
        try (BenchmarkServers servers = BenchmarkServers.fromSystemProperties()) {
            OverheadResults results = OverheadBenchmark.run(
                    servers,
                    dir,
                    Integer.getInteger("bench.overhead.migrations", DEFAULT_MIGRATIONS),
                    Integer.getInteger("bench.overhead.trials", DEFAULT_TRIALS),
                    1,
                    System.out);
            OverheadReport report = new OverheadReport(
                    BenchmarkEnvironment.capture(servers, loadBefore, docs.map(Path::getParent)),
                    results,
                    Optional.ofNullable(System.getProperty("bench.note")));
            System.out.println(results.markdown("###"));
            if (Boolean.getBoolean("bench.report")) {
                Path written = docs.orElseThrow(() -> new IllegalStateException("bench.docs names no directory"));
                report.write(written);
                System.out.println("Written: " + written.resolve(OverheadReport.DOCUMENT));
            }
        }
    }
}
