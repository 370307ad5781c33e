package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.Distribution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution's systemd units pass {@code systemd-analyze verify} without a warning,
 * with their launchers where the distribution has them, and keep the promises the
 * README makes: a dedicated user, restart on failure, hardening, a clean stop on SIGTERM.
 */
class SystemdUnitsIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"muster-agent.service", "muster-coordinator.service"})
    void theUnitVerifiesCleanlyAndIsHardened(String unit) throws Exception {
        String text = Files.readString(Distribution.home().resolve("systemd").resolve(unit));
        assertThat(text)
                .contains(
                        "User=muster",
                        "Restart=on-failure",
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "KillSignal=SIGTERM",
                        "SuccessExitStatus=143",
                        "RestartPreventExitStatus=78",
                        "/etc/muster/");
        // verify checks that ExecStart's program exists: point it at this build's launchers
        Path local = Files.writeString(
                dir.resolve(unit),
                text.replace(
                        "/opt/muster/bin", Distribution.home().resolve("bin").toString()));

        Process verify = new ProcessBuilder("systemd-analyze", "verify", "--man=no", local.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(line -> line.contains(unit)).toList())
                .as("warnings about the unit")
                .isEqualTo(List.of());
    }
}
