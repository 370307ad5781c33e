package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionOutages;
import dev.muster.agent.replication.SubscriptionStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code muster-agent replication status}: this region's side of replication, as its server reports it. */
@Command(
        name = "status",
        description = {
            "On the global: each subscription, its apply worker, the LSNs received and the apply errors.",
            "On a remote region: the publication's tables and the WAL each replication slot retains."
        })
final class ReplicationStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        AgentConfig agent = config.load();
        ReplicationStatus status = new ReplicationStatus(agent.database(), agent.replication());
        PrintWriter out = spec.commandLine().getOut();
        if (agent.role() == RegionRole.REMOTE) {
            out.println(status.remote().describe());
            return 0;
        }
        List<SubscriptionStatus> subscriptions = status.subscriptions();
        out.println(SubscriptionStatus.table(subscriptions));
        if (subscriptions.stream().anyMatch(SubscriptionOutages::down)) {
            List<String> pending = new FlywayMigrations(agent.database(), agent.migrationLocations())
                    .state()
                    .pendingVersions();
            new SubscriptionOutages(agent.database(), agent.replication())
                    .diagnose(subscriptions, pending)
                    .forEach((subscription, why) -> out.println(subscription + " is down: " + why));
        }
        return 0;
    }
}
