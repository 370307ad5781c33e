package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.RunListener;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.it.fixture.PostgresFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent says of each applied migration (in its hello and its reports) is what
 * the database's own Flyway history records: the coordinator orders what several agents
 * of one database say by its installed_rank.
 */
class FlywayHistoryIT {

    @TempDir
    Path dir;

    /** A row of flyway_schema_history as PostgreSQL has it. */
    private record HistoryRow(String version, int rank, Duration took) {}

    @Test
    void appliedMigrationsCarryTheirRankAndRunTimeFromTheHistory() throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__first.sql"), "CREATE TABLE first (id bigint PRIMARY KEY);\n");
        Files.writeString(migrations.resolve("V2__slow.sql"), "SELECT pg_sleep(0.3);\n");
        Files.writeString(migrations.resolve("V3__third.sql"), "CREATE TABLE third (id bigint PRIMARY KEY);\n");
        try (PostgresFleet servers = PostgresFleet.start(1)) {
            FlywayMigrations flyway = new FlywayMigrations(
                    new DatabaseConfig(servers.jdbcUrl(1), PostgresFleet.USER, Optional.empty()),
                    List.of("filesystem:" + migrations));

            List<LocalMigration> firstRun = flyway.migrateTo("2", RunListener.NONE);
            List<LocalMigration> secondRun = flyway.migrateTo("3", RunListener.NONE);

            List<HistoryRow> history = history(servers);
            assertThat(history).extracting(HistoryRow::version).containsExactly("1", "2", "3");
            List<LocalMigration> applied = flyway.state().applied();
            assertThat(applied).extracting(LocalMigration::version).containsExactly("1", "2", "3");
            for (int i = 0; i < history.size(); i++) {
                assertThat(applied.get(i).installedRank())
                        .isEqualTo(OptionalInt.of(history.get(i).rank()));
                assertThat(applied.get(i).executionTime())
                        .contains(history.get(i).took());
            }
            assertThat(applied.get(1).executionTime().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(firstRun)
                    .as("a run reports its migrations as the history has them")
                    .containsExactlyElementsOf(applied.subList(0, 2));
            assertThat(secondRun).containsExactly(applied.get(2));
            assertThat(applied.get(2).installedRank().getAsInt())
                    .as("a later run's migration ranks above every earlier one")
                    .isGreaterThan(applied.get(1).installedRank().getAsInt());
        }
    }

    private static List<HistoryRow> history(PostgresFleet servers) throws Exception {
        List<HistoryRow> rows = new ArrayList<>();
        try (Connection connection = servers.database(1).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT version, installed_rank, execution_time "
                        + "FROM flyway_schema_history WHERE version IS NOT NULL AND success ORDER BY installed_rank")) {
            while (result.next()) {
                rows.add(new HistoryRow(result.getString(1), result.getInt(2), Duration.ofMillis(result.getInt(3))));
            }
        }
        return rows;
    }
}
