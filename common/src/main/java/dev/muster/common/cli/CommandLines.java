package dev.muster.common.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.logging.Logging;
import picocli.CommandLine;

/** Runs a picocli command with muster's mapping of failures to messages and exit codes. */
public final class CommandLines {

    private CommandLines() {}

    public static CommandLine create(Object command) {
        return configure(new CommandLine(command));
    }

    /** Applies muster's failure handling to {@code commandLine} and every subcommand it has now. */
    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof MusterException failure) {
                cmd.getErr().println(cmd.getCommandName() + ": " + failure.getMessage());
                return failure.exitCode().status();
            }
            cmd.getErr().println(cmd.getCommandName() + ": unexpected failure: " + exception);
            exception.printStackTrace(cmd.getErr());
            return ExitCode.FAILED.status();
        });
        return commandLine;
    }

    /** The whole {@code main} of a launcher. */
    public static void main(Object command, String[] args) {
        main(create(command), args);
    }

    public static void main(CommandLine commandLine, String[] args) {
        Logging.install();
        System.exit(configure(commandLine).execute(args));
    }
}
