package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.BenchmarkEnvironment;
import dev.muster.it.bench.BenchmarkReport;
import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.LatencyTables;
import dev.muster.it.bench.ReleaseLatencyBenchmark;
import dev.muster.it.bench.ReleaseLatencyResults;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReleaseLatencyBenchmarkIT}'s code at a size the default build can afford, always on
 * embedded servers: it runs, it prints, it checks the safety invariant and writes its report
 * into a directory of its own, never over the committed one; no time is asserted.
 */
class ReleaseLatencySmokeIT {

    private static final int TRIALS = 3;

    @TempDir
    Path dir;

    @Test
    void theBenchmarkRunsAndPrints() throws Exception {
        String loadBefore = BenchmarkEnvironment.loadAverage();
        try (BenchmarkServers servers = BenchmarkServers.embedded()) {
            ReleaseLatencyResults results = ReleaseLatencyBenchmark.run(servers, dir, TRIALS, 0, System.out);
            BenchmarkReport report = new BenchmarkReport(
                    BenchmarkEnvironment.capture(servers, loadBefore, Optional.empty()), results, Optional.empty());
            System.out.println(LatencyTables.markdown(results, "###"));

            assertThat(results.muster()).hasSize(TRIALS);
            assertThat(results.inBand()).hasSize(TRIALS);
            assertThat(results.upgrade()).hasSize(TRIALS);
            assertThat(results.safetyViolations()).as("the safety invariant").isEmpty();
            // the report as the benchmark writes it, into this test's own directory
            report.write(dir);
            assertThat(dir.resolve(BenchmarkReport.DOCUMENT)).content().contains("muster / in-band");
            assertThat(dir.resolve(BenchmarkReport.CHART)).isNotEmptyFile();
        }
    }
}
