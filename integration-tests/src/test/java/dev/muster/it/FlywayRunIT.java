package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationFailure;
import dev.muster.agent.migrate.MigrationRefused;
import dev.muster.agent.migrate.Migrations;
import dev.muster.agent.migrate.RunListener;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.it.fixture.PostgresFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Flyway run as the agent makes it, on a real server: each migration is told committed the
 * moment it and its history row are, what the agent does in a migration's transaction commits
 * or rolls back with it, a refused migration leaves nothing behind, and the connections kept
 * ready for a release hold no transaction and no lock.
 */
class FlywayRunIT {

    private static PostgresFleet servers;

    @TempDir
    Path dir;

    private Path files;
    private FlywayMigrations flyway;

    @BeforeAll
    static void startServer() throws Exception {
        servers = PostgresFleet.start(1);
    }

    @AfterAll
    static void stopServer() {
        servers.close();
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        servers.reset();
        files = Files.createDirectories(dir.resolve("migrations"));
        flyway = new FlywayMigrations(
                new DatabaseConfig(servers.jdbcUrl(1), PostgresFleet.USER, Optional.empty()),
                List.of("filesystem:" + files));
    }

    private void migration(String version, String sql) throws Exception {
        Files.writeString(files.resolve("V" + version + "__m" + version + ".sql"), sql);
    }

    @Test
    void eachMigrationIsToldCommittedTheMomentItAndItsHistoryRowAreBeforeTheNextOneStarts() throws Exception {
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");
        migration("3", "CREATE TABLE three (id bigint PRIMARY KEY);");
        List<String> seen = new ArrayList<>();

        List<LocalMigration> committed = flyway.migrateTo("3", new RunListener() {
            @Override
            public void starting(LocalMigration migration) {
                seen.add("starting " + migration.version());
            }

            @Override
            public void committed(LocalMigration migration) {
                // read from a session of its own, as the global would
                seen.add("committed " + migration.version() + ", history "
                        + query("SELECT string_agg(version, ',' "
                                + "ORDER BY installed_rank) FROM flyway_schema_history WHERE success"));
            }
        });

        assertThat(seen)
                .containsExactly(
                        "starting 1", "committed 1, history 1",
                        "starting 2", "committed 2, history 1,2",
                        "starting 3", "committed 3, history 1,2,3");
        assertThat(committed)
                .as("as the history records them, rank included")
                .containsExactlyElementsOf(flyway.state().applied());
    }

    @Test
    void whatIsDoneInAMigrationsTransactionCommitsWithItOrRollsBackWithIt() throws Exception {
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");
        RunListener alongside = new RunListener() {
            @Override
            public void applied(LocalMigration migration, Connection connection) throws SQLException {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE alongside_" + migration.version() + " (id bigint)");
                    if (migration.version().equals("2")) {
                        statement.execute("SELECT 1 / 0");
                    }
                }
            }
        };

        MigrationFailure failure = catchThrowableOfType(MigrationFailure.class, () -> flyway.migrateTo("2", alongside));

        assertThat(failure.version()).isEqualTo("2");
        assertThat(tables()).containsExactly("alongside_1", "flyway_schema_history", "one");
        assertThat(flyway.state().pendingVersions()).containsExactly("2");
    }

    @Test
    void aRefusedMigrationLeavesNothingBehindAndThoseBeforeItStayCommitted() throws Exception {
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");
        List<String> committed = new ArrayList<>();

        MigrationRefused refused = catchThrowableOfType(
                MigrationRefused.class,
                () -> flyway.migrateTo("2", new RunListener() {
                    @Override
                    public void starting(LocalMigration migration) {
                        if (migration.version().equals("2")) {
                            throw new MigrationRefused("not released");
                        }
                    }

                    @Override
                    public void committed(LocalMigration migration) {
                        committed.add(migration.version());
                    }
                }));

        assertThat(refused).hasMessage("not released");
        assertThat(committed).containsExactly("1");
        assertThat(tables()).containsExactly("flyway_schema_history", "one");
        assertThat(flyway.state().pendingVersions()).containsExactly("2");
    }

    @Test
    void aMigrationThatFailsAsItCommitsIsNeverToldCommitted() throws Exception {
        migration("1", "CREATE TABLE parent (id bigint PRIMARY KEY);");
        migration("2", """
                CREATE TABLE child (parent_id bigint REFERENCES parent DEFERRABLE INITIALLY DEFERRED);
                INSERT INTO child VALUES (42);
                """);
        List<String> committed = new ArrayList<>();

        MigrationFailure failure = catchThrowableOfType(
                MigrationFailure.class,
                () -> flyway.migrateTo("2", new RunListener() {
                    @Override
                    public void committed(LocalMigration migration) {
                        committed.add(migration.version());
                    }
                }));

        assertThat(failure.version()).isEqualTo("2");
        assertThat(committed).containsExactly("1");
        assertThat(tables()).doesNotContain("child");
    }

    @Test
    void connectionsKeptReadyAreIdleWithNoTransactionAndNoLockAndCloseWithTheirHandle() throws Exception {
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
        var unused = flyway.migrateTo("1", RunListener.NONE);
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");

        try (Migrations.Readiness ready = flyway.keepReady()) {
            assertThat(query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'muster-agent'"))
                    .as("connections kept")
                    .isNotEqualTo("0");
            assertThat(query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'muster-agent' "
                            + "AND (state <> 'idle' OR xact_start IS NOT NULL OR backend_xmin IS NOT NULL)"))
                    .as("kept connections in a transaction or holding a snapshot")
                    .isEqualTo("0");
            assertThat(query("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                            + "WHERE a.application_name = 'muster-agent'"))
                    .as("locks held by kept connections")
                    .isEqualTo("0");

            assertThat(flyway.migrateTo("2", RunListener.NONE))
                    .extracting(LocalMigration::version)
                    .containsExactly("2");
        }

        org.awaitility.Awaitility.await()
                .until(() -> query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'muster-agent'")
                        .equals("0"));
    }

    @Test
    void aHistoryTheFilesDoNotMatchWhileReadyStillStopsTheRunBeforeAnythingIsApplied() throws Exception {
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
        var unused = flyway.migrateTo("1", RunListener.NONE);
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY, edited text);");
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");

        try (Migrations.Readiness ready = flyway.keepReady()) {
            assertRefusedAsNotMatchingTheFiles("2");
        }
        assertThat(tables()).doesNotContain("two");
    }

    @Test
    void aFileAddedWhileReadyBelowWhatIsAppliedIsRefusedAsTheRunValidatesAgain() throws Exception {
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");
        var unused = flyway.migrateTo("2", RunListener.NONE);
        migration("3", "CREATE TABLE three (id bigint PRIMARY KEY);");

        try (Migrations.Readiness ready = flyway.keepReady()) {
            migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
            assertRefusedAsNotMatchingTheFiles("3");
        }
        assertThat(tables()).doesNotContain("one", "three");
    }

    @Test
    void aRunValidatesAgainAfterTheOneTheReadinessValidatedFor() throws Exception {
        migration("1", "CREATE TABLE one (id bigint PRIMARY KEY);");
        migration("2", "CREATE TABLE two (id bigint PRIMARY KEY);");

        try (Migrations.Readiness ready = flyway.keepReady()) {
            assertThat(flyway.migrateTo("1", RunListener.NONE))
                    .extracting(LocalMigration::version)
                    .containsExactly("1");
            migration("1", "CREATE TABLE one (id bigint PRIMARY KEY, edited text);");

            assertRefusedAsNotMatchingTheFiles("2");
        }
        assertThat(tables()).doesNotContain("two");
    }

    /** Migrating to {@code version} is refused, the history not matching the files, before anything runs. */
    private void assertRefusedAsNotMatchingTheFiles(String version) {
        MusterException refused =
                catchThrowableOfType(MusterException.class, () -> flyway.migrateTo(version, RunListener.NONE));

        assertThat(refused).hasMessageContaining("does not match the migration files");
    }

    private static List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = servers.database(1).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
            while (result.next()) {
                tables.add(result.getString(1));
            }
        }
        return tables;
    }

    private static String query(String sql) {
        try (Connection connection = servers.database(1).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
