package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.overhead.OverheadBenchmark;
import dev.muster.it.bench.overhead.OverheadProcedure;
import dev.muster.it.bench.overhead.OverheadResults;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overhead benchmark, short: one counted trial of a few migrations, so that the build
 * keeps it running. It prints its figures and asserts none of them.
 */
class OverheadSmokeIT {

    @TempDir
    Path dir;

    @Test
    void runsAndPrints() throws Exception {
        try (BenchmarkServers servers = BenchmarkServers.embedded()) {
            OverheadResults results = OverheadBenchmark.run(servers, dir, 5, 1, 0, System.out);
            System.out.println(results.markdown("###"));
            for (OverheadProcedure procedure : OverheadProcedure.values()) {
                assertThat(results.total(procedure).count())
                        .as(procedure.label())
                        .isEqualTo(1);
            }
        }
    }
}
