package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code muster-agent replication status}: this region's side of replication, as its server reports it. */
@Command(name = "status",
        description = {
            "On the global: each subscription, its apply worker, the LSNs received and the apply errors.",
            "On a remote region: the publication's tables and the WAL each replication slot retains."})
final class ReplicationStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        AgentConfig agent = config.load();
        ReplicationStatus status = new ReplicationStatus(agent.database(), agent.replication());
        spec.commandLine().getOut().println(agent.role() == RegionRole.REMOTE
                ? status.remote().describe()
                : SubscriptionStatus.table(status.subscriptions()));
        return 0;
    }
}
