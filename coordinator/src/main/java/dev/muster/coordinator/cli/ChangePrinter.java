package dev.muster.coordinator.cli;

import dev.muster.proto.v1.ChangeReply;
import picocli.CommandLine.Model.CommandSpec;

/** How the commands that change the fleet report: the coordinator's words, or JSON. Both outcomes exit 0. */
final class ChangePrinter {

    private ChangePrinter() {
    }

    static int print(CommandSpec spec, CoordinatorOptions options, ChangeReply reply) {
        spec.commandLine().getOut().println(options.json() ? Json.pretty(reply) : reply.getMessage());
        return 0;
    }
}
