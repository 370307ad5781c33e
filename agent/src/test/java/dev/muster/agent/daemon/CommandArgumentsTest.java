package dev.muster.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.agent.cli.AgentCommand;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.common.cli.CommandLines;
import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.MigrateTo;
import dev.muster.proto.v1.SetUpReplication;
import dev.muster.proto.v1.TeardownReplication;
import dev.muster.proto.v1.VerifyReplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/** Each Command as the command line an operator would type, checked against the agent's real commands. */
class CommandArgumentsTest {

    private static final Path CONFIG = Path.of("/etc/muster/agent.yaml");

    private static List<String> argumentsOf(Command.Builder command) {
        Optional<List<String>> args =
                CommandArguments.of(command.setCommandId(1).build(), CONFIG);
        assertThat(args).as("a command this agent knows").isPresent();
        return args.get();
    }

    /** Parses {@code args} as muster-agent would, without running anything; fails on an unknown option. */
    private static ParseResult parsed(List<String> args) {
        return CommandLines.create(new AgentCommand()).parseArgs(args.toArray(String[]::new));
    }

    /** The names of the (sub)commands that {@code args} select, e.g. [replication, teardown]. */
    private static List<String> commandPath(ParseResult result) {
        List<String> names = new ArrayList<>();
        for (ParseResult sub = result.subcommand(); sub != null; sub = sub.subcommand()) {
            names.add(sub.commandSpec().name());
        }
        return names;
    }

    private static ParseResult leaf(ParseResult result) {
        ParseResult leaf = result;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf;
    }

    @Test
    void teardownIsReplicationTeardownWithItsMode() {
        List<String> args = argumentsOf(Command.newBuilder()
                .setTeardown(TeardownReplication.newBuilder().setMode("disable")));

        assertThat(args).containsExactly("replication", "teardown", "--mode", "disable", "--config", CONFIG.toString());
        ParseResult parsed = parsed(args);
        assertThat(commandPath(parsed)).containsExactly("replication", "teardown");
        assertThat(leaf(parsed).<TeardownMode>matchedOptionValue("--mode", null))
                .isEqualTo(TeardownMode.DISABLE);
        assertThat(leaf(parsed).<Path>matchedOptionValue("--config", null)).isEqualTo(CONFIG);
    }

    @Test
    void migrateWithATargetIsMigrateTo() {
        List<String> args = argumentsOf(
                Command.newBuilder().setMigrate(MigrateTo.newBuilder().setTargetVersion("20200424183342")));

        assertThat(args).containsExactly("migrate", "--to", "20200424183342", "--config", CONFIG.toString());
        ParseResult parsed = parsed(args);
        assertThat(commandPath(parsed)).containsExactly("migrate");
        assertThat(leaf(parsed).<String>matchedOptionValue("--to", null)).isEqualTo("20200424183342");
        assertThat(leaf(parsed).<Path>matchedOptionValue("--config", null)).isEqualTo(CONFIG);
    }

    @Test
    void migrateWithoutATargetAppliesEveryPendingMigration() {
        List<String> args = argumentsOf(Command.newBuilder().setMigrate(MigrateTo.getDefaultInstance()));

        assertThat(args).containsExactly("migrate", "--config", CONFIG.toString());
        assertThat(commandPath(parsed(args))).containsExactly("migrate");
    }

    @Test
    void setupIsReplicationSetup() {
        List<String> args = argumentsOf(Command.newBuilder().setSetup(SetUpReplication.getDefaultInstance()));

        assertThat(args).containsExactly("replication", "setup", "--config", CONFIG.toString());
        assertThat(commandPath(parsed(args))).containsExactly("replication", "setup");
    }

    @Test
    void verifyIsReplicationVerify() {
        List<String> args = argumentsOf(Command.newBuilder().setVerify(VerifyReplication.getDefaultInstance()));

        assertThat(args).containsExactly("replication", "verify", "--config", CONFIG.toString());
        assertThat(commandPath(parsed(args))).containsExactly("replication", "verify");
    }

    @Test
    void aCommandWithoutAnActionThisAgentKnowsHasNoCommandLine() {
        assertThat(CommandArguments.of(Command.newBuilder().setCommandId(1).build(), CONFIG))
                .isEmpty();
    }
}
