package dev.muster.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.ExitCode;
import dev.muster.common.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandTest {

    private final StringWriter err = new StringWriter();
    private final CommandLine commandLine = CommandLines.create(new AgentCommand())
            .setErr(new PrintWriter(err, true))
            .setOut(new PrintWriter(new StringWriter(), true));

    @TempDir
    Path dir;

    @Test
    void offersTheDaemonAndTheLocalCommands() {
        assertThat(commandLine.getSubcommands()).containsOnlyKeys("run", "init", "migrate", "replication");
    }

    @Test
    void runRequiresAConfiguration() {
        assertThat(commandLine.execute("run")).isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void runRefusesABadReportIntervalBeforeItStarts() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                region: 1
                role: remote
                database: { url: "jdbc:postgresql://127.0.0.1:1/vmdb_production", user: root }
                migrations: { locations: ["filesystem:/nowhere"] }
                coordinator: { address: "127.0.0.1:1", report_interval: 0s }
                """);

        assertThat(commandLine.execute("run", "--config", config.toString())).isEqualTo(ExitCode.CONFIG.status());
        assertThat(err.toString())
                .contains("run: " + config + ": coordinator.report_interval: must be longer than zero");
    }
}
