package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.footprint.DaemonFootprint;
import dev.muster.it.bench.footprint.FootprintBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The footprint benchmark, short: one daemon start, a few seconds idle; it prints and asserts no figure. */
class AgentFootprintSmokeIT {

    @TempDir
    Path dir;

    @Test
    void runsAndPrints() throws Exception {
        List<DaemonFootprint> trials = FootprintBenchmark.run(dir, 5, 1, Duration.ofSeconds(2), System.out);
        assertThat(trials).hasSize(1);
    }
}
