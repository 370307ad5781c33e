package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InProcessAgent;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.PostgresFleet;
import dev.muster.it.fixture.SchemaHistory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A global configured as a remote by mistake must not migrate ahead of its remotes. */
class RoleSafetyIT {

    @TempDir
    Path dir;

    @Test
    void aDatabaseThatSubscribesIsNotMigratedAsARemote() throws Exception {
        try (PostgresFleet databases = PostgresFleet.start(99)) {
            try (Connection connection = databases.database(99).getConnection();
                    Statement statement = connection.createStatement()) {
                // connect = false: a subscription that exists without reaching its remote
                statement.execute("CREATE SUBSCRIPTION region_1_subscription CONNECTION 'host=localhost dbname=x' "
                        + "PUBLICATION miq WITH (connect = false)");
            }
            String coordinator = "127.0.0.1:" + Ports.free();
            Path config = new ConfigFiles(dir, databases).agent(99, "remote", coordinator, "jansa");

            try (CommandRun migrate = new InProcessAgent("migrate", "migrate", "--config", config.toString())) {
                assertThat(migrate.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCode.CONFIG.status());
                assertThat(migrate.output().lines())
                        .anyMatch(
                                line -> line.contains(
                                        "this database subscribes to other regions [region_1_subscription], so it is the global"));
            }
            assertThat(SchemaHistory.of(databases.database(99)).installedOn()).isEmpty();
        }
    }
}
