package dev.muster.it.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CoordinatorScaleBenchmarkIT}'s code at a size the default build can afford: every
 * Hello is welcomed, each trial's Go arrives, the status lists every region, and the report
 * is written into a directory of its own, never over the committed one. No time is asserted.
 */
class CoordinatorScaleSmokeIT {

    private static final int REGIONS = 50;
    private static final int MIGRATIONS = 20;
    private static final int TRIALS = 2;

    @TempDir
    Path dir;

    @Test
    void everyRegionIsWelcomedAndTheLastReportReleasesTheGlobal() throws Exception {
        try (EmbeddedPostgres server = ScaleServer.start()) {
            ScaleFigures figures = new ScaleRun(server, System.out).run(REGIONS, MIGRATIONS, TRIALS);

            assertThat(figures.goLatencies()).hasSize(TRIALS);
            assertThat(figures.statusRegions()).as("regions in the status").isEqualTo(REGIONS + 1);
            assertThat(figures.storedRows())
                    .as("each region's row and its migrations' rows, at least")
                    .isGreaterThanOrEqualTo((long) (REGIONS + 1) * (MIGRATIONS + 1));
            ScaleReport report =
                    new ScaleReport(Instant.now(), Map.of("cores", "2"), List.of(figures), Optional.empty());
            report.write(dir);
            assertThat(dir.resolve(ScaleReport.DOCUMENT)).content().contains("| 50 | 20 |");
        }
    }
}
