package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.proto.v1.ChangeReply;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How the commands that change the fleet report: the coordinator's words, or JSON. A
 * change, or none needed, exits 0; a change the coordinator could not store yet exits 1.
 */
final class ChangePrinter {

    private ChangePrinter() {}

    static int print(CommandSpec spec, CoordinatorOptions options, ChangeReply reply) {
        if (options.json()) {
            spec.commandLine().getOut().println(Json.pretty(reply));
        } else if (reply.getStored()) {
            spec.commandLine().getOut().println(reply.getMessage());
        } else {
            spec.commandLine().getErr().println(spec.commandLine().getCommandName() + ": " + reply.getMessage());
        }
        return reply.getStored() ? 0 : ExitCode.FAILED.status();
    }
}
