package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.region.RegionIds;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.region.RegionNumber;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster-agent init --region N}: makes the local database region N's. */
@Command(
        name = "init",
        description = {
            "Record this database's region number and move every sequence of the application schemas",
            "into the region's id range, N × 10^12 … (N+1) × 10^12 − 1. Harmless to repeat; refuses a",
            "database of another region."
        })
final class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--region",
            required = true,
            paramLabel = "N",
            description = "The region number; must be the one in the configuration")
    int region;

    @Override
    public Integer call() {
        AgentConfig agent = config.load();
        if (region != agent.region()) {
            throw new MusterException(
                    ExitCode.USAGE,
                    "--region " + region + " differs from region " + agent.region() + " in " + config.file
                            + "; nothing was changed");
        }
        RegionIds.Outcome outcome = new RegionIds(agent.database()).initialize(region);
        PrintWriter out = spec.commandLine().getOut();
        out.println((outcome.alreadyRecorded() ? "Database already belongs to region " : "Database is now region ")
                + region + "; ids " + RegionNumber.firstId(region) + " … " + RegionNumber.lastId(region));
        out.println("Sequences moved into the range: " + outcome.moved().size()
                + (outcome.moved().isEmpty() ? "" : " " + outcome.moved())
                + "; already in it: " + outcome.alreadyInRange());
        out.println(
                outcome.eventTrigger()
                        ? "Sequences that later migrations create are moved as they are created"
                        : "Not a superuser: sequences that later migrations create are moved after each migrate");
        return 0;
    }
}
