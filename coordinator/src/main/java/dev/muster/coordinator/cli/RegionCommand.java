package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.proto.v1.ChangeRegionRequest;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.GetStatusRequest;
import dev.muster.proto.v1.RegionStatus;
import dev.muster.proto.v1.Role;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code muster region add|remove|list}: which remote regions gate the global. */
@Command(
        name = "region",
        description = "Change or list the member regions: the remotes the global waits for.",
        subcommands = {RegionCommand.Add.class, RegionCommand.Remove.class, RegionCommand.ListRegions.class})
final class RegionCommand {

    @Command(name = "add", description = "Make a remote region a member: from now on the global waits for it too.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CoordinatorOptions options;

        @Parameters(paramLabel = "REGION", description = "The region number")
        int region;

        @Override
        public Integer call() {
            try (AdminClient client = options.connect()) {
                return ChangePrinter.print(spec, options, client.call(stub -> stub.addRegion(request(region))));
            }
        }
    }

    @Command(
            name = "remove",
            description = {
                "Stop a region being a member: the global no longer waits for it (a global waiting only on it",
                "is released at once)."
            })
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CoordinatorOptions options;

        @Parameters(paramLabel = "REGION", description = "The region number")
        int region;

        @Override
        public Integer call() {
            try (AdminClient client = options.connect()) {
                return ChangePrinter.print(spec, options, client.call(stub -> stub.removeRegion(request(region))));
            }
        }
    }

    @Command(name = "list", description = "List the member regions and every other region the coordinator knows.")
    static final class ListRegions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CoordinatorOptions options;

        @Override
        public Integer call() {
            FleetStatus status;
            try (AdminClient client = options.connect()) {
                status = client.call(stub -> stub.getStatus(GetStatusRequest.getDefaultInstance()));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                out.println(Json.pretty(FleetStatus.newBuilder()
                        .addAllMemberRegions(status.getMemberRegionsList())
                        .addAllRegions(status.getRegionsList())
                        .build()));
                return 0;
            }
            for (RegionStatus region : status.getRegionsList()) {
                String what = region.getRole() == Role.GLOBAL
                        ? "global"
                        : region.getMember() ? "member remote" : "remote, not a member (it gates nothing)";
                out.println(region.getRegion() + "  " + what + (region.getKnown() ? "" : ", never connected"));
            }
            return 0;
        }
    }

    private static ChangeRegionRequest request(int region) {
        if (region < 0) {
            throw new MusterException(ExitCode.USAGE, "region " + region + " is not a region number");
        }
        return ChangeRegionRequest.newBuilder().setRegion(region).build();
    }
}
