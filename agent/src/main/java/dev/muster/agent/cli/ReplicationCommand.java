package dev.muster.agent.cli;

import picocli.CommandLine.Command;

/** {@code muster-agent replication}: the logical replication between the remote regions and the global. */
@Command(
        name = "replication",
        description = {
            "Logical replication: each remote region publishes its application tables, the global",
            "subscribes to every remote (region_<N>_subscription)."
        },
        subcommands = {
            ReplicationSetupCommand.class,
            ReplicationTeardownCommand.class,
            ReplicationVerifyCommand.class,
            ReplicationStatusCommand.class
        })
final class ReplicationCommand {}
