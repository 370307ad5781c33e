package dev.muster.it.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.BenchmarkEnvironment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How one coordinator copes with a large fleet: N simulated regions, each with M applied
 * migrations, connecting at once over gRPC with the store on; how long their Hellos take, how
 * soon the last member's report releases the global, the heap, the status call and the store.
 * Prints the figures; asserts only that every Hello was welcomed, every Go came and the status
 * lists every region. {@link ScaleReport} tells the method.
 *
 * <p>{@code ./mvnw -B verify -Pbenchmarks -pl integration-tests -am -Dit.test=CoordinatorScaleBenchmarkIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false} runs it and writes {@code docs/benchmarks-scale.md}
 * (as {@code -Dbench.report=true} does). {@code -Dscale.regions=100,1000,10000} (the default) gives
 * the sizes, {@code -Dscale.migrations=1000} each region's history, {@code -Dscale.trials=10} the
 * trials of each size, {@code -Dbench.note=TEXT} a note for the document.
 */
class CoordinatorScaleBenchmarkIT {

    @Test
    void oneCoordinatorAndManyRegions() throws Exception {
        String loadBefore = BenchmarkEnvironment.loadAverage();
        List<Integer> sizes = Arrays.stream(
                        System.getProperty("scale.regions", "100,1000,10000").split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();
        int migrations = Integer.getInteger("scale.migrations", 1000);
        int trials = Integer.getInteger("scale.trials", 10);
        List<ScaleFigures> figures = new ArrayList<>();
        try (EmbeddedPostgres server = ScaleServer.start()) {
            ScaleRun run = new ScaleRun(server, System.out);
            for (int regions : sizes) {
                ScaleFigures size = run.run(regions, migrations, trials);
                assertThat(size.goLatencies()).hasSize(trials);
                assertThat(size.statusRegions()).as("regions in the status").isEqualTo(regions + 1);
                figures.add(size);
            }
            ScaleReport report = new ScaleReport(
                    Instant.now(),
                    ScaleEnvironment.capture(
                            loadBefore,
                            ScaleServer.version(server),
                            (Runtime.getRuntime().maxMemory() >> 20) + " MiB"),
                    figures,
                    Optional.ofNullable(System.getProperty("bench.note")));
            System.out.println(report.table());
            if (Boolean.getBoolean("bench.report")) {
                Path docs = Path.of(System.getProperty("bench.docs"));
                report.write(docs);
                System.out.println("Written: " + docs.resolve(ScaleReport.DOCUMENT));
            }
        }
    }
}
