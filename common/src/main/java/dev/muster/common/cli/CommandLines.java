package dev.muster.common.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.logging.Logging;
import picocli.CommandLine;

/** Runs a picocli command with muster's mapping of failures to messages and exit codes. */
public final class CommandLines {

    private CommandLines() {
    }

    public static CommandLine create(Object command) {
        CommandLine commandLine = new CommandLine(command);
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
        Logging.install();
        System.exit(create(command).execute(args));
    }
}
