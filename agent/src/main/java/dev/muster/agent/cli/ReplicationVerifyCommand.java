package dev.muster.agent.cli;

import dev.muster.agent.steps.ReplicationLifecycle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code muster-agent replication verify}: are the global's copies the same as the remotes' rows? */
@Command(
        name = "verify",
        description = {
            "On the global: for each remote region and each table it publishes, compare the remote's",
            "rows with the global's copies of that region's id range (row count and digest).",
            "Run it when replication has caught up; exits 1 on a mismatch."
        })
final class ReplicationVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        new ReplicationLifecycle(config.load()).verify(spec.commandLine().getOut());
        return 0;
    }
}
