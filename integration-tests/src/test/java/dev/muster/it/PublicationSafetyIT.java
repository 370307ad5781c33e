package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.PostgresFleet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing a table without a replica identity would break updates on it: setup refuses. */
class PublicationSafetyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aTableWithoutReplicaIdentityIsRefusedUnlessExcluded() throws Exception {
        try (PostgresFleet databases = PostgresFleet.start(1)) {
            execute(databases, "CREATE TABLE vms (id bigint PRIMARY KEY, name text)");
            execute(databases, "CREATE TABLE hosts_vms (host_id bigint, vm_id bigint)");
            ConfigFiles configs = new ConfigFiles(dir, databases);

            try (CommandRun setup = setup(configs, databases, "[]")) {
                assertThat(setup.awaitExit(PATIENCE)).isEqualTo(ExitCode.FAILED.status());
                assertThat(setup.output().lines())
                        .anyMatch(
                                line -> line.contains("would take [public.hosts_vms], which have no replica identity"));
            }
            assertThat(count(databases, "SELECT count(*) FROM pg_publication")).isZero();
            execute(databases, "UPDATE hosts_vms SET vm_id = 1");

            try (CommandRun setup = setup(configs, databases, "[hosts_vms]")) {
                assertThat(setup.awaitExit(PATIENCE)).as("%s", setup.output()).isZero();
            }
            assertThat(count(databases, "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'miq'"))
                    .isOne();
            execute(databases, "UPDATE hosts_vms SET vm_id = 2");
        }
    }

    private CommandRun setup(ConfigFiles configs, PostgresFleet databases, String excluded) {
        Path config = configs.write(
                "agent-" + excluded.length() + ".yaml",
                String.join(
                        "\n",
                        "region: 1",
                        "role: remote",
                        "database: { url: \"" + databases.jdbcUrl(1) + "\", user: " + PostgresFleet.USER + " }",
                        "migrations: { locations: [\"filesystem:" + dir + "\"] }",
                        "coordinator: { address: \"127.0.0.1:7600\" }",
                        "replication: { exclude_tables: " + excluded + " }",
                        ""));
        return new InProcessAgent("setup", "replication", "setup", "--config", config.toString());
    }

    private static void execute(PostgresFleet databases, String sql) throws Exception {
        try (Connection connection = databases.database(1).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(PostgresFleet databases, String sql) throws Exception {
        try (Connection connection = databases.database(1).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
