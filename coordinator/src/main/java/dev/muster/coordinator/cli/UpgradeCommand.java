package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.cli.DurationConverter;
import dev.muster.proto.v1.UpgradeProgress;
import dev.muster.proto.v1.UpgradeRequest;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster upgrade --to V}: the whole procedure, carried out by the regions' daemons. */
@Command(
        name = "upgrade",
        description = {
            "Upgrade the fleet to a version through the regions' daemons (muster-agent run): preflight,",
            "replication teardown, the remotes' migrations, the global's (each version once every member",
            "has it), replication set up again, verification. Progress is shown live. On a failure it",
            "stops between steps and says why; running it again goes on from where the fleet is."
        })
final class UpgradeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Option(
            names = "--to",
            paramLabel = "VERSION",
            description = "The version to reach (default: the newest the global's migration files contain)")
    String target;

    @Option(
            names = "--teardown",
            paramLabel = "drop|disable",
            defaultValue = "drop",
            description = "How replication comes down before the migrations (default: ${DEFAULT-VALUE})")
    String teardown;

    @Option(
            names = "--step-timeout",
            paramLabel = "DURATION",
            defaultValue = "30m",
            converter = DurationConverter.class,
            description = "How long one step on one region may take (default: ${DEFAULT-VALUE})")
    Duration stepTimeout;

    @Override
    public Integer call() {
        long stepSeconds = (stepTimeout.toMillis() + 999) / 1000;
        if (stepSeconds <= 0) {
            throw new MusterException(ExitCode.USAGE, "--step-timeout must be positive, not " + stepTimeout);
        }
        UpgradeRequest request = UpgradeRequest.newBuilder()
                .setTargetVersion(target == null ? "" : target)
                .setTeardownMode(teardown)
                .setStepTimeoutSeconds((int) Math.min(stepSeconds, Integer.MAX_VALUE))
                .build();
        PrintWriter out = spec.commandLine().getOut();
        try (AdminClient client = options.connect()) {
            try {
                Iterator<UpgradeProgress> progress = client.streaming().upgrade(request);
                while (progress.hasNext()) {
                    UpgradeProgress step = progress.next();
                    out.println(
                            options.json()
                                    ? Json.line(step)
                                    : step.getFinished()
                                            ? (step.getSucceeded() ? "Upgrade done: " : "Upgrade ") + step.getLine()
                                            : step.getLine());
                    out.flush();
                    if (step.getFinished()) {
                        return step.getSucceeded() ? 0 : ExitCode.FAILED.status();
                    }
                }
            } catch (StatusRuntimeException e) {
                throw client.failure(e);
            }
        }
        spec.commandLine()
                .getErr()
                .println("upgrade: the coordinator ended the stream before the upgrade finished; "
                        + "it may go on there: follow it with 'muster watch'");
        return ExitCode.FAILED.status();
    }
}
