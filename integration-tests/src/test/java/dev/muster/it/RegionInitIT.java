package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.InProcessLauncher;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.PostgresFleet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code muster-agent init}: region ids on a real database, and the seed data that needs them. */
class RegionInitIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final long FIRST_ID_OF_1 = 1_000_000_000_000L;

    private static PostgresFleet databases;

    @TempDir
    Path dir;

    private ConfigFiles configs;
    private String coordinatorAddress;
    private AutoCloseable coordinator;

    @BeforeAll
    static void startServer() throws Exception {
        databases = PostgresFleet.start(1);
    }

    @AfterAll
    static void stopServer() {
        if (databases != null) {
            databases.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        databases.reset();
        configs = new ConfigFiles(dir, databases);
        coordinatorAddress = "127.0.0.1:" + Ports.free();
        coordinator = new InProcessLauncher().serve(configs.coordinator(coordinatorAddress, 1));
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void everyIdARegionCreatesBeginsWithItsNumberAlsoInTablesOfLaterMigrations() throws Exception {
        assertThat(run("init", "--region", "1", "--config", config(1, "jansa"))).isZero();
        assertThat(run("migrate", "--config", config(1, "jansa"))).isZero();

        assertThat(longs("SELECT id FROM users WHERE userid = 'admin'")).containsExactly(FIRST_ID_OF_1);
        assertThat(longs("SELECT id FROM miq_regions WHERE region = 1")).containsExactly(FIRST_ID_OF_1);

        assertThat(run("migrate", "--config", config(1, "kasparov"))).isZero();
        execute("INSERT INTO service_templates (name) VALUES ('created by region 1')");
        assertThat(longs("SELECT id FROM service_templates")).containsExactly(FIRST_ID_OF_1);
        assertThat(longs("SELECT min_value FROM pg_sequences WHERE schemaname = 'public'"))
                .containsOnly(FIRST_ID_OF_1)
                .hasSize(4);
        assertThat(longs("SELECT max_value FROM pg_sequences WHERE schemaname = 'public'"))
                .containsOnly(2 * FIRST_ID_OF_1 - 1);
    }

    @Test
    void runningInitAgainIsHarmless() throws Exception {
        assertThat(run("init", "--region", "1", "--config", config(1, "jansa"))).isZero();
        assertThat(run("migrate", "--config", config(1, "jansa"))).isZero();
        execute("INSERT INTO vms (name) VALUES ('first')");

        CommandRun again = new InProcessAgent("init-again", "init", "--region", "1", "--config", config(1, "jansa"));
        assertThat(again.awaitExit(PATIENCE)).isZero();
        assertThat(again.output().lines())
                .contains(
                        "Database already belongs to region 1; ids " + FIRST_ID_OF_1 + " … " + (2 * FIRST_ID_OF_1 - 1));

        execute("INSERT INTO vms (name) VALUES ('second')");
        assertThat(longs("SELECT id FROM vms ORDER BY id")).containsExactly(FIRST_ID_OF_1, FIRST_ID_OF_1 + 1);
    }

    @Test
    void aDatabaseOfAnotherRegionIsRefusedAndKeepsItsRegion() throws Exception {
        assertThat(run("init", "--region", "1", "--config", config(1, "jansa"))).isZero();

        Path regionTwoOnTheSameDatabase = configs.write(
                "region-2.yaml",
                String.join(
                        "\n",
                        "region: 2",
                        "role: remote",
                        "database: { url: \"" + databases.jdbcUrl(1) + "\", user: " + PostgresFleet.USER + " }",
                        "migrations: { locations: [\"filesystem:" + dir + "\"] }",
                        "coordinator: { address: \"" + coordinatorAddress + "\" }",
                        ""));
        CommandRun other = new InProcessAgent(
                "init-2", "init", "--region", "2", "--config", regionTwoOnTheSameDatabase.toString());
        assertThat(other.awaitExit(PATIENCE)).isEqualTo(ExitCode.FAILED.status());
        assertThat(other.output().lines())
                .anyMatch(line ->
                        line.contains("belongs to region 1; refusing to make it " + "region 2. Nothing was changed"));
        assertThat(longs("SELECT region FROM muster.region")).containsExactly(1L);
    }

    @Test
    void aRegionThatDiffersFromTheConfigurationIsRefusedBeforeTouchingTheDatabase() throws Exception {
        CommandRun init = new InProcessAgent("init", "init", "--region", "2", "--config", config(1, "jansa"));
        assertThat(init.awaitExit(PATIENCE)).isEqualTo(ExitCode.USAGE.status());
        assertThat(init.output().lines()).anyMatch(line -> line.contains("--region 2 differs from region 1"));
        assertThat(longs("SELECT count(*) FROM pg_namespace WHERE nspname = 'muster'"))
                .containsExactly(0L);
    }

    @Test
    void aSequenceTooSmallForRegionIdsIsRefusedAndNothingChanges() throws Exception {
        execute("CREATE TABLE legacy (id serial PRIMARY KEY)");

        CommandRun init = new InProcessAgent("init", "init", "--region", "1", "--config", config(1, "jansa"));
        assertThat(init.awaitExit(PATIENCE)).isEqualTo(ExitCode.FAILED.status());
        assertThat(init.output().lines()).anyMatch(line -> line.contains("sequence public.legacy_id_seq is integer"));
        assertThat(longs("SELECT count(*) FROM pg_namespace WHERE nspname = 'muster'"))
                .containsExactly(0L);
    }

    @Test
    void aLaterMigrationsSequenceTooSmallForRegionIdsIsLeftAloneAndMigrateGoesOn() throws Exception {
        Path extra = java.nio.file.Files.createDirectories(dir.resolve("extra"));
        java.nio.file.Files.writeString(
                extra.resolve("V20300101000000__create_legacy.sql"),
                "CREATE TABLE legacy (id serial PRIMARY KEY, name text);\n");
        String config = configs.agent(
                        1,
                        "remote",
                        coordinatorAddress,
                        dev.muster.it.fixture.Distribution.release("jansa")[0],
                        "filesystem:" + extra)
                .toString();
        assertThat(run("init", "--region", "1", "--config", config)).isZero();

        assertThat(run("migrate", "--config", config)).isZero();

        execute("INSERT INTO legacy (name) VALUES ('still works')");
        assertThat(longs("SELECT id FROM legacy")).containsExactly(1L);
        assertThat(longs("SELECT id FROM users WHERE userid = 'admin'")).containsExactly(FIRST_ID_OF_1);
    }

    private String config(int region, String release) {
        return configs.agent(region, "remote", coordinatorAddress, release).toString();
    }

    private static int run(String... args) throws Exception {
        try (CommandRun command = new InProcessAgent(args[0], args)) {
            int status = command.awaitExit(PATIENCE);
            assertThat(status).as("%s", command.output()).isZero();
            return status;
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = databases.database(1).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<Long> longs(String sql) throws Exception {
        List<Long> values = new ArrayList<>();
        try (Connection connection = databases.database(1).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getLong(1));
            }
        }
        return values;
    }
}
