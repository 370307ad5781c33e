package dev.muster.agent.cli;

import dev.muster.agent.steps.ReplicationLifecycle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code muster-agent replication setup}: the publication on a remote, the subscriptions on the global. */
@Command(
        name = "setup",
        description = {
            "On a remote region: create the publication, or bring it in step with the application tables.",
            "On the global: create each missing subscription (removing that region's rows first, then",
            "copying them afresh), or enable a disabled one and refresh it for new tables. Every remote",
            "is checked before anything changes."
        })
final class ReplicationSetupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        new ReplicationLifecycle(config.load()).setup(spec.commandLine().getOut());
        return 0;
    }
}
