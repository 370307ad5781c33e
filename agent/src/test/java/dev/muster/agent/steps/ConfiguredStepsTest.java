package dev.muster.agent.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's steps read the configuration file as it is at each step, as the command would. */
class ConfiguredStepsTest {

    @TempDir
    Path dir;

    private final PrintWriter out = new PrintWriter(new StringWriter(), true);

    private Path write(int region, String role) throws Exception {
        return Files.writeString(dir.resolve("agent.yaml"), """
                region: %d
                role: %s
                database: { url: "jdbc:postgresql://127.0.0.1:1/vmdb_production", user: root }
                migrations: { locations: ["filesystem:/nowhere"] }
                coordinator: { address: "127.0.0.1:1" }
                """.formatted(region, role));
    }

    @Test
    void aConfigurationFileGoneSinceTheDaemonStartedIsAConfigurationErrorNamingIt() throws Exception {
        Path config = write(1, "remote");
        ConfiguredSteps steps = new ConfiguredSteps(AgentConfig.load(config));
        Files.delete(config);

        assertThatExceptionOfType(MusterException.class)
                .isThrownBy(() -> steps.teardown(TeardownMode.DROP, out))
                .satisfies(failure -> {
                    assertThat(failure.exitCode()).isEqualTo(ExitCode.CONFIG);
                    assertThat(failure.getMessage()).isEqualTo(config + ": no such file");
                });
    }

    @Test
    void aFileThatNowNamesAnotherRegionOrRoleFailsTheStepAndAsksForARestart() throws Exception {
        ConfiguredSteps steps = new ConfiguredSteps(AgentConfig.load(write(1, "remote")));
        Path config = write(2, "remote");

        assertThatExceptionOfType(MusterException.class)
                .isThrownBy(() -> steps.setup(out))
                .satisfies(failure -> {
                    assertThat(failure.exitCode()).isEqualTo(ExitCode.CONFIG);
                    assertThat(failure.getMessage())
                            .isEqualTo(config + " now says region 2 (remote), but this daemon runs as region 1 "
                                    + "(remote); nothing was done. Restart it (systemctl restart muster-agent) to "
                                    + "take the change");
                });
        write(1, "global");
        assertThatExceptionOfType(MusterException.class)
                .isThrownBy(() -> steps.verify(out))
                .withMessageContaining("now says region 1 (global), but this daemon runs as region 1 (remote)");
    }
}
