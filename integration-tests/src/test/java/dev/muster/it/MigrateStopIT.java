package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.RegionSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as systemd sends it, while {@code muster-agent migrate} is in the middle of a
 * migration: that version is either whole or not there at all, never half applied, and the
 * next run applies it.
 */
class MigrateStopIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(1);

    @TempDir
    Path dir;

    @Test
    void aMigrationStoppedHalfwayIsRolledBackWholeAndTheNextRunAppliesIt() throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__create_hosts.sql"), "CREATE TABLE hosts (id bigint PRIMARY KEY);\n");
        Files.writeString(
                migrations.resolve("V2__widen_hosts.sql"),
                String.join(
                        "\n",
                        "ALTER TABLE hosts ADD COLUMN name text;",
                        "SELECT pg_sleep(5);",
                        "ALTER TABLE hosts ADD COLUMN vendor text;",
                        ""));
        // a coordinator nobody listens on: a remote migrates without one
        Path config = new ConfigFiles(dir, REGIONS.databases())
                .agent(1, "remote", "127.0.0.1:" + Ports.free(), new String[] {"filesystem:" + migrations});
        RegionSql sql = new RegionSql(REGIONS.databases());

        try (LauncherProcess migrate =
                new LauncherProcess("migrate", "muster-agent", "migrate", "--config", config.toString())) {
            await("version 2 half way, in its pg_sleep")
                    .atMost(PATIENCE)
                    .until(() -> sql.string(
                                    1,
                                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
                                            + "AND query LIKE '%pg_sleep(5)%'")
                            .equals("1"));
            assertThat(migrate.terminate(PATIENCE)).as("%s", migrate.output()).isNotZero();
        }

        List<String> columns = sql.strings(
                1,
                "SELECT column_name FROM information_schema.columns "
                        + "WHERE table_name = 'hosts' ORDER BY ordinal_position");
        List<String> applied = sql.strings(1, "SELECT version FROM flyway_schema_history WHERE success ORDER BY 1");
        assertThat(applied)
                .as("nothing half applied, and no failed row left behind")
                .isEqualTo(sql.strings(1, "SELECT version FROM flyway_schema_history ORDER BY 1"));
        System.out.println(
                "SIGTERM during version 2: " + (applied.contains("2") ? "it finished first" : "rolled back"));
        if (applied.contains("2")) {
            assertThat(columns).containsExactly("id", "name", "vendor");
        } else {
            assertThat(columns).as("version 2 rolled back whole").containsExactly("id");
        }

        try (LauncherProcess again = new LauncherProcess(
                "migrate-again", "muster-agent", "migrate", "--report-timeout", "1s", "--config", config.toString())) {
            assertThat(again.awaitExit(PATIENCE)).as("%s", again.output()).isZero();
        }
        assertThat(sql.strings(
                        1,
                        "SELECT column_name FROM information_schema.columns WHERE table_name = 'hosts' "
                                + "ORDER BY ordinal_position"))
                .containsExactly("id", "name", "vendor");
    }
}
