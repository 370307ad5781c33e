package dev.muster.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.muster.common.ExitCode;
import dev.muster.common.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

class MigrateCommandTest {

    private final StringWriter err = new StringWriter();
    private final CommandLine commandLine = CommandLines.create(new AgentCommand())
            .setErr(new PrintWriter(err, true))
            .setOut(new PrintWriter(new StringWriter(), true));

    @Test
    void toTakesAVersionAsTheMigrationFilesNameIt() {
        CommandLine.ParseResult parsed =
                commandLine.parseArgs("migrate", "--to", "20200424183342", "--config", "a.yaml");

        MigrateCommand migrate = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(migrate.target).isEqualTo("20200424183342");
        assertThat(new MigrateCommand.VersionConverter().convert("1_2"))
                .as("Flyway's spelling")
                .isEqualTo("1.2");
        assertThat(new MigrateCommand.VersionConverter().convert("1.2.3")).isEqualTo("1.2.3");
    }

    @Test
    void withoutToEveryPendingMigrationIsApplied() {
        CommandLine.ParseResult parsed = commandLine.parseArgs("migrate", "--config", "a.yaml");

        MigrateCommand migrate = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(migrate.target).isNull();
    }

    @Test
    void toRefusesWhatIsNoVersionBeforeReadingTheConfiguration() {
        for (String version : new String[] {"latest", "current", "V20200424183342", "1..2", ""}) {
            assertThatExceptionOfType(TypeConversionException.class)
                    .as(version)
                    .isThrownBy(() -> new MigrateCommand.VersionConverter().convert(version));
        }

        assertThat(commandLine.execute("migrate", "--to", "latest", "--config", "/nowhere/agent.yaml"))
                .isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString())
                .contains("'latest' is not a migration version: use digits and dots, " + "e.g. 20200424183342");
    }
}
