package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.proto.v1.GetPlanRequest;
import dev.muster.proto.v1.Plan;
import dev.muster.proto.v1.PlanStep;
import dev.muster.proto.v1.Role;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster plan --to V}: what the fleet still has to do to reach V, and what blocks it. */
@Command(
        name = "plan",
        description = {
            "Show what each region still has to apply to reach a version, in the order the fleet goes",
            "(the member remotes, then the global), and what blocks it. Exits 1 when something blocks."
        })
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Option(
            names = "--to",
            paramLabel = "VERSION",
            description = "The version to reach (default: the newest the global's migration files contain)")
    String target;

    @Override
    public Integer call() {
        Plan plan;
        try (AdminClient client = options.connect()) {
            plan = client.call(stub -> stub.getPlan(GetPlanRequest.newBuilder()
                    .setTargetVersion(target == null ? "" : target)
                    .build()));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (options.json()) {
            out.println(Json.pretty(plan));
        } else {
            print(plan, out);
        }
        return plan.getBlockersCount() == 0 ? 0 : ExitCode.FAILED.status();
    }

    private static void print(Plan plan, PrintWriter out) {
        out.println("Plan to reach migration " + plan.getTargetVersion() + ":");
        int number = 1;
        for (PlanStep step : plan.getStepsList()) {
            String who = (step.getRole() == Role.GLOBAL ? "global region " : "region ") + step.getRegion();
            String what = step.getVersionsCount() > 0
                    ? step.getVersionsCount() + " to apply: " + String.join(", ", step.getVersionsList())
                    : step.getBlockersCount() > 0 ? "not known yet" : "nothing to apply";
            String when = step.getRole() == Role.GLOBAL && step.getVersionsCount() > 0
                    ? " (each once every member has applied it)"
                    : "";
            out.println("  " + number++ + ". " + who + ": " + what + when);
            step.getBlockersList().forEach(blocker -> out.println("       blocked: " + blocker));
        }
        if (plan.getBlockersCount() == 0) {
            out.println("Nothing blocks it.");
        } else {
            out.println("Blocked:");
            plan.getBlockersList().forEach(blocker -> out.println("  - " + blocker));
        }
    }
}
