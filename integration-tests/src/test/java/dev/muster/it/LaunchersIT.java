package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution's launchers as an operator meets them: bad configuration, a dead database, SIGTERM. */
class LaunchersIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aCoordinatorConfigWithoutRegionsIsRefusedNamingFileAndKey() throws Exception {
        Path config = Files.writeString(dir.resolve("coordinator.yaml"), "listen: \"127.0.0.1:0\"\n");
        try (LauncherProcess serve = new LauncherProcess("serve", "muster", "serve", "--config", config.toString())) {
            assertThat(serve.awaitExit(PATIENCE)).isEqualTo(ExitCode.CONFIG.status());
            assertThat(serve.output().lines()).anyMatch(line -> line.contains(config + ": regions: required key is missing"));
        }
    }

    @Test
    void anAgentConfigWithAnUnknownRoleIsRefusedNamingFileAndKey() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
                "region: 1",
                "role: primary",
                "database: { url: \"jdbc:postgresql://127.0.0.1:5432/vmdb_production\", user: root }",
                "migrations: { locations: [\"filesystem:/nowhere\"] }",
                "coordinator: { address: \"127.0.0.1:7600\" }",
                ""));
        try (LauncherProcess migrate = new LauncherProcess("migrate", "muster-agent", "migrate", "--config",
                config.toString())) {
            assertThat(migrate.awaitExit(PATIENCE)).isEqualTo(ExitCode.CONFIG.status());
            assertThat(migrate.output().lines())
                    .anyMatch(line -> line.contains(config + ": role: must be 'remote' or 'global', not 'primary'"));
        }
    }

    @Test
    void anUnreachableDatabaseIsNamedAndItsPasswordIsNot() throws Exception {
        String password = "s3cret-never-printed";
        Path passwordFile = Files.writeString(dir.resolve("db.password"), password + "\n");
        String url = "jdbc:postgresql://127.0.0.1:" + Ports.free() + "/vmdb_production";
        Path config = Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
                "region: 1",
                "role: remote",
                "database: { url: \"" + url + "\", user: root, password_file: " + passwordFile + " }",
                "migrations: { locations: [\"filesystem:/nowhere\"] }",
                "coordinator: { address: \"127.0.0.1:" + Ports.free() + "\" }",
                ""));
        try (LauncherProcess migrate = new LauncherProcess("migrate", "muster-agent", "migrate", "--config",
                config.toString())) {
            assertThat(migrate.awaitExit(PATIENCE)).isEqualTo(ExitCode.UNAVAILABLE.status());
            assertThat(migrate.output().lines()).anyMatch(line -> line.contains("cannot connect to this region's database " + url));
            assertThat(migrate.output().lines()).noneMatch(line -> line.contains(password));
        }
    }

    @Test
    void theCoordinatorStopsPromptlyOnSigterm() throws Exception {
        Path config = Files.writeString(dir.resolve("coordinator.yaml"),
                "listen: \"127.0.0.1:" + Ports.free() + "\"\nregions: [1, 2]\n");
        try (LauncherProcess serve = new LauncherProcess("serve", "muster", "serve", "--config", config.toString())) {
            serve.output().awaitLineMatching(line -> line.contains("Coordinator listening on port"), PATIENCE);
            // 128 + SIGTERM: the JVM ran its shutdown hooks and exited as a terminated process does.
            assertThat(serve.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(serve.output().lines()).anyMatch(line -> line.contains("Coordinator stopped"));
        }
    }

}
