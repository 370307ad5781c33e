package dev.muster.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.agent.daemon.CommandRunner;
import dev.muster.common.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PicocliCommandRunnerTest {

    private final CommandRunner runner = new PicocliCommandRunner();
    private final List<String> lines = new ArrayList<>();

    @TempDir
    Path dir;

    @Test
    void runsTheAgentsOwnCommandAndHandsOnWhatItPrintsLineByLine() {
        Path missing = dir.resolve("agent.yaml");

        int status =
                runner.run(List.of("migrate", "--to", "20200424183342", "--config", missing.toString()), lines::add);

        assertThat(status).as("muster's exit code for a configuration error").isEqualTo(ExitCode.CONFIG.status());
        assertThat(lines).containsExactly("migrate: " + missing + ": no such file");
    }

    @Test
    void aCommandLineTheAgentRefusesIsAUsageErrorWithItsMessageAndUsage() {
        int status =
                runner.run(List.of("replication", "teardown", "--mode", "pause", "--config", "agent.yaml"), lines::add);

        assertThat(status).isEqualTo(ExitCode.USAGE.status());
        assertThat(lines.get(0)).contains("'pause' is not a teardown mode: use drop or disable");
        assertThat(lines)
                .hasSizeGreaterThan(2)
                .noneMatch(line -> line.contains("\n"))
                .anyMatch(line -> line.startsWith("Usage: muster-agent replication teardown"));
    }

    @Test
    void linesAreSplitOnAnyLineSeparatorAndTheLastIsHandedOnWithoutOne() {
        PicocliCommandRunner.LineWriter writer = new PicocliCommandRunner.LineWriter(lines::add);
        PrintWriter out = new PrintWriter(writer);

        out.print("first\r\nsecond\n\nfourth, in ");
        out.print("two parts\nunfinished");
        out.flush();
        assertThat(lines).containsExactly("first", "second", "", "fourth, in two parts");

        out.close();
        assertThat(lines).containsExactly("first", "second", "", "fourth, in two parts", "unfinished");
    }
}
