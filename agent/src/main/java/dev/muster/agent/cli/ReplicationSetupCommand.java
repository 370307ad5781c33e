package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.replication.RemotePublication;
import dev.muster.agent.replication.SetupOutcome;
import dev.muster.agent.replication.SubscriptionSetup;
import java.io.PrintWriter;
import java.util.List;
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
        AgentConfig agent = config.load();
        PrintWriter out = spec.commandLine().getOut();
        if (agent.role() == RegionRole.REMOTE) {
            out.println(new RemotePublication(agent.database(), agent.replication())
                    .ensure()
                    .describe());
            return 0;
        }
        List<SetupOutcome> outcomes = new SubscriptionSetup(agent.database(), agent.replication()).run();
        if (outcomes.isEmpty()) {
            out.println("no subscriptions configured (replication.subscriptions): nothing to set up");
        }
        outcomes.forEach(outcome -> out.println(outcome.describe()));
        return 0;
    }
}
