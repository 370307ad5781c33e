package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            assertThat(serve.output().lines())
                    .anyMatch(line -> line.contains(config + ": regions: required key is missing"));
        }
    }

    @Test
    void anAgentConfigWithAnUnknownRoleIsRefusedNamingFileAndKey() throws Exception {
        Path config = Files.writeString(
                dir.resolve("agent.yaml"),
                String.join(
                        "\n",
                        "region: 1",
                        "role: primary",
                        "database: { url: \"jdbc:postgresql://127.0.0.1:5432/vmdb_production\", user: root }",
                        "migrations: { locations: [\"filesystem:/nowhere\"] }",
                        "coordinator: { address: \"127.0.0.1:7600\" }",
                        ""));
        try (LauncherProcess migrate =
                new LauncherProcess("migrate", "muster-agent", "migrate", "--config", config.toString())) {
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
        Path config = Files.writeString(
                dir.resolve("agent.yaml"),
                String.join(
                        "\n",
                        "region: 1",
                        "role: remote",
                        "database: { url: \"" + url + "\", user: root, password_file: " + passwordFile + " }",
                        "migrations: { locations: [\"filesystem:/nowhere\"] }",
                        "coordinator: { address: \"127.0.0.1:" + Ports.free() + "\" }",
                        ""));
        try (LauncherProcess migrate =
                new LauncherProcess("migrate", "muster-agent", "migrate", "--config", config.toString())) {
            assertThat(migrate.awaitExit(PATIENCE)).isEqualTo(ExitCode.UNAVAILABLE.status());
            assertThat(migrate.output().lines())
                    .anyMatch(line -> line.contains("cannot connect to this region's database " + url));
            assertThat(migrate.output().lines()).noneMatch(line -> line.contains(password));
        }
    }

    @Test
    void theCoordinatorStopsPromptlyOnSigterm() throws Exception {
        Path config = Files.writeString(
                dir.resolve("coordinator.yaml"), "listen: \"127.0.0.1:" + Ports.free() + "\"\nregions: [1, 2]\n");
        try (LauncherProcess serve = new LauncherProcess("serve", "muster", "serve", "--config", config.toString())) {
            serve.output().awaitLineMatching(line -> line.contains("Coordinator listening on port"), PATIENCE);
            // 128 + SIGTERM: the JVM ran its shutdown hooks and exited as a terminated process does.
            assertThat(serve.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(serve.output().lines()).anyMatch(line -> line.contains("Coordinator stopped"));
        }
    }

    @Test
    void withoutTlsTheCoordinatorRefusesANetworkAddressUnlessToldItIsInsecure() throws Exception {
        int port = Ports.free();
        Path open = Files.writeString(dir.resolve("open.yaml"), "listen: \"0.0.0.0:" + port + "\"\nregions: []\n");
        try (LauncherProcess refused = new LauncherProcess("serve", "muster", "serve", "--config", open.toString())) {
            assertThat(refused.awaitExit(PATIENCE)).as("%s", refused.output()).isEqualTo(ExitCode.CONFIG.status());
            assertThat(String.join("\n", refused.output().lines()))
                    .contains("tls: required to listen on 0.0.0.0:" + port, "muster certs init", "insecure: true");
        }

        Path insecure = Files.writeString(
                dir.resolve("insecure.yaml"), "listen: \"0.0.0.0:" + port + "\"\nregions: []\ninsecure: true\n");
        try (LauncherProcess serve =
                        new LauncherProcess("insecure", "muster", "serve", "--config", insecure.toString());
                LauncherProcess status =
                        awaitingThenStatus(serve, "INSECURE: serving plaintext on 0.0.0.0:" + port, port)) {
            assertThat(status.awaitExit(PATIENCE)).as("%s", status.output()).isZero();
            assertThat(status.output().lines())
                    .contains("INSECURE: plaintext on a network address (insecure: true): "
                            + "anyone who reaches the coordinator's port can claim any region and release anything");
        }
    }

    @Test
    void certsMakesAWorkingSetWhoseKeysOnlyTheirOwnerReadsAndNoMessageQuotes() throws Exception {
        Path tls = dir.resolve("tls");
        for (List<String> args : List.of(
                List.of("init"),
                List.of("issue", "--coordinator", "127.0.0.1", "localhost"),
                List.of("issue", "--region", "1"),
                List.of("issue", "--operator", "alice"))) {
            List<String> command = new ArrayList<>(List.of("certs"));
            command.addAll(args);
            command.addAll(List.of("--dir", tls.toString()));
            try (LauncherProcess certs = new LauncherProcess("certs", "muster", command.toArray(String[]::new))) {
                assertThat(certs.awaitExit(PATIENCE)).as("%s", certs.output()).isZero();
            }
        }
        for (String key : List.of("ca.key", "coordinator.key", "region-1.key", "operator-alice.key")) {
            assertThat(Files.getPosixFilePermissions(tls.resolve(key)))
                    .as(key)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(tls.resolve("region-1.crt"))).startsWith("-----BEGIN CERTIFICATE-----");

        // a key that is not the certificate's: the coordinator names both files and quotes neither
        String key = Files.readString(tls.resolve("region-1.key"));
        Path config = Files.writeString(
                dir.resolve("coordinator.yaml"),
                "listen: \"127.0.0.1:" + Ports.free()
                        + "\"\nregions: []\nglobal_region: 99\n"
                        + "tls: { cert: tls/coordinator.crt, key: tls/region-1.key, ca: tls/ca.crt }\n");
        try (LauncherProcess serve = new LauncherProcess("serve", "muster", "serve", "--config", config.toString())) {
            assertThat(serve.awaitExit(PATIENCE)).as("%s", serve.output()).isEqualTo(ExitCode.CONFIG.status());
            String output = String.join("\n", serve.output().lines());
            assertThat(output).contains("region-1.key is not the key of the certificate", "coordinator.crt");
            assertThat(output)
                    .doesNotContain(
                            "PRIVATE KEY", key.lines().skip(1).findFirst().orElseThrow());
        }
    }

    /** Once {@code serve} prints {@code line}, {@code muster status} against it on loopback. */
    private static LauncherProcess awaitingThenStatus(LauncherProcess serve, String line, int port) {
        serve.output().awaitLineMatching(printed -> printed.contains(line), PATIENCE);
        return new LauncherProcess("muster", "muster", "status", "--coordinator", "127.0.0.1:" + port);
    }
}
