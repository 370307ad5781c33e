package dev.muster.deploy;

import dev.muster.common.cli.CommandLines;
import dev.muster.coordinator.cli.MusterCommand;
import dev.muster.deploy.sandbox.SandboxCommand;
import picocli.CommandLine;

/** {@code bin/muster}: the coordinator's commands, and the sandbox, which needs the whole fleet. */
public final class MusterMain {

    private MusterMain() {}

    public static void main(String[] args) {
        CommandLines.main(new CommandLine(new MusterCommand()).addSubcommand("sandbox", new SandboxCommand()), args);
    }
}
