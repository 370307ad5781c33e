package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.RunListener;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.it.fixture.PostgresFleet;
import dev.muster.it.fixture.SchemaHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why a Go releases a range: every Flyway run re-reads and validates the whole history,
 * so applying n released versions one run at a time costs O(n²), in one run O(n).
 * Prints both figures for the same release on two identical databases; asserts only
 * that both end in the same state.
 */
class RangeReleaseBenchmarkIT {

    private static final int VERSIONS = 150;

    @TempDir
    Path dir;

    @Test
    void oneRunPerReleasedRangeAgainstOneRunPerVersion() throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        for (int i = 1; i <= VERSIONS; i++) {
            Files.writeString(
                    migrations.resolve(String.format("V1_%03d__step_%d.sql", i, i)),
                    "CREATE TABLE step_" + i + " (id bigint PRIMARY KEY);\n");
        }
        List<String> locations = List.of("filesystem:" + migrations);
        try (PostgresFleet servers = PostgresFleet.start(1, 2)) {
            FlywayMigrations ranged = migrations(servers, 1, locations);
            FlywayMigrations stepwise = migrations(servers, 2, locations);
            List<String> versions = ranged.state().pendingVersions();

            long rangeStart = System.nanoTime();
            ranged.migrateTo(versions.get(versions.size() - 1), RunListener.NONE);
            long rangeNanos = System.nanoTime() - rangeStart;

            long stepStart = System.nanoTime();
            for (String version : versions) {
                stepwise.migrateTo(version, RunListener.NONE);
            }
            long stepNanos = System.nanoTime() - stepStart;

            System.out.printf(
                    "%n%d migrations, one Flyway run per released range: %6d ms%n", VERSIONS, rangeNanos / 1_000_000);
            System.out.printf(
                    "%d migrations, one Flyway run per version:        %6d ms (%.1fx)%n%n",
                    VERSIONS, stepNanos / 1_000_000, (double) stepNanos / rangeNanos);

            assertThat(SchemaHistory.of(servers.database(1)).installedOn().keySet())
                    .containsExactlyElementsOf(
                            SchemaHistory.of(servers.database(2)).installedOn().keySet())
                    .hasSize(VERSIONS);
        }
    }

    private static FlywayMigrations migrations(PostgresFleet servers, int region, List<String> locations) {
        return new FlywayMigrations(
                new DatabaseConfig(servers.jdbcUrl(region), PostgresFleet.USER, Optional.empty()), locations);
    }
}
