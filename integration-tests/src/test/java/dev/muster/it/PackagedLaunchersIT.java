package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.it.fixture.DebPackage;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.LauncherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The .deb's files unpacked as an appliance would have them: the launchers run with the
 * libraries the package has, also through a symbolic link as /usr/bin/muster is one; the
 * sandbox, whose PostgreSQL the packages leave out, says so in one line; the units start the
 * packaged launchers with the packaged configurations.
 */
class PackagedLaunchersIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    @TempDir
    Path dir;

    @BeforeAll
    static void unpack() {
        DebPackage.built().unpack(root);
    }

    @Test
    void aLauncherReachedThroughASymbolicLinkFindsThePackagesLibraries() throws Exception {
        // as /usr/bin/muster -> /opt/muster/bin/muster, within this test's directory
        Path link = Files.createSymbolicLink(dir.resolve("muster"), packaged("/opt/muster/bin/muster"));
        Path tls = dir.resolve("tls");
        try (LauncherProcess certs = new LauncherProcess("certs", link, "certs", "init", "--dir", tls.toString())) {
            assertThat(certs.awaitExit(PATIENCE)).as("%s", certs.output()).isZero();
        }
        assertThat(Files.readString(tls.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @ParameterizedTest
    @ValueSource(strings = {"muster", "muster-agent"})
    void eachLauncherStarts(String launcher) throws Exception {
        try (LauncherProcess version =
                new LauncherProcess(launcher, packaged("/opt/muster/bin/" + launcher), "--version")) {
            assertThat(version.awaitExit(PATIENCE)).as("%s", version.output()).isZero();
            assertThat(version.output().lines()).singleElement().asString().startsWith(launcher + " ");
        }
    }

    @Test
    void theSandboxSaysInOneLineThatItNeedsTheTarball() throws Exception {
        try (LauncherProcess sandbox = new LauncherProcess("sandbox", packaged("/opt/muster/bin/muster"), "sandbox")) {
            assertThat(sandbox.awaitExit(PATIENCE)).isEqualTo(ExitCode.UNAVAILABLE.status());
            assertThat(sandbox.output().lines())
                    .singleElement()
                    .asString()
                    .startsWith("sandbox: the sandbox needs the tarball's embedded PostgreSQL; packages leave it out");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"muster-agent.service", "muster-coordinator.service"})
    void theUnitsAreTheDistributionsAndStartThePackagedLaunchers(String unit) throws Exception {
        Path packagedUnit = packaged("/usr/lib/systemd/system/" + unit);
        assertThat(Files.readString(packagedUnit))
                .isEqualTo(
                        Files.readString(Distribution.home().resolve("systemd").resolve(unit)));

        List<String> execStart = List.of(Files.readAllLines(packagedUnit).stream()
                .filter(line -> line.startsWith("ExecStart="))
                .findFirst()
                .orElseThrow()
                .substring("ExecStart=".length())
                .split(" "));
        assertThat(packaged(execStart.get(0))).isExecutable();
        assertThat(packaged(execStart.get(execStart.indexOf("--config") + 1))).isRegularFile();
        // systemd refuses to start a unit whose ReadOnlyPaths= do not exist
        Files.readAllLines(packagedUnit).stream()
                .filter(line -> line.startsWith("ReadOnlyPaths="))
                .forEach(line -> assertThat(packaged(line.substring("ReadOnlyPaths=".length())))
                        .isDirectory());
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent.yaml", "coordinator.yaml"})
    void theConfigurationsAreTheDistributionsExamples(String config) throws Exception {
        assertThat(Files.readString(packaged("/etc/muster/" + config)))
                .isEqualTo(Files.readString(Distribution.home().resolve("etc").resolve(config)));
    }

    /** Where the package installs {@code path}, in this test's unpacked copy. */
    private static Path packaged(String path) {
        return root.resolve(path.substring(1));
    }
}
