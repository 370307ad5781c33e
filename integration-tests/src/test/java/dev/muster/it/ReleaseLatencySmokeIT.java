package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.LatencyTables;
import dev.muster.it.bench.ReleaseLatencyBenchmark;
import dev.muster.it.bench.ReleaseLatencyResults;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReleaseLatencyBenchmarkIT}'s code at a size the default build can afford, always on
 * embedded servers: it runs, it prints, and it checks the safety invariant; no time is asserted.
 */
class ReleaseLatencySmokeIT {

    private static final int TRIALS = 3;

    @TempDir
    Path dir;

    @Test
    void theBenchmarkRunsAndPrints() throws Exception {
        try (BenchmarkServers servers = BenchmarkServers.embedded()) {
            ReleaseLatencyResults results = ReleaseLatencyBenchmark.run(servers, dir, TRIALS, 0, System.out);
            System.out.println(LatencyTables.markdown(results, "###"));

            assertThat(results.muster()).hasSize(TRIALS);
            assertThat(results.inBand()).hasSize(TRIALS);
            assertThat(results.safetyViolations()).as("the safety invariant").isEmpty();
        }
    }
}
