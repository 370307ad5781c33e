package dev.muster.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplicationCommandTest {

    private final StringWriter err = new StringWriter();
    private final CommandLine commandLine = CommandLines.create(new ReplicationCommand())
            .setErr(new PrintWriter(err, true))
            .setOut(new PrintWriter(new StringWriter(), true));

    @Test
    void offersTheFourSubcommands() {
        assertThat(commandLine.getSubcommands()).containsOnlyKeys("setup", "teardown", "verify", "status");
    }

    @Test
    void everySubcommandRequiresAConfiguration() {
        for (String subcommand : commandLine.getSubcommands().keySet()) {
            assertThat(commandLine.execute(subcommand)).as(subcommand).isEqualTo(2);
        }
        assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void teardownAcceptsOnlyDropOrDisable() {
        assertThat(commandLine.execute("teardown", "--config", "agent.yaml", "--mode", "pause"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'pause' is not a teardown mode: use drop or disable");
    }
}
