package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.replication.ReplicationVerifier;
import dev.muster.agent.replication.VerifyReport;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
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
        AgentConfig agent = config.load();
        if (agent.role() == RegionRole.REMOTE) {
            throw new MusterException(
                    ExitCode.USAGE,
                    "verify compares the global with its remotes: run it with the " + "global region's configuration ("
                            + config.file + " is region " + agent.region() + ", a remote)");
        }
        VerifyReport report = new ReplicationVerifier(agent.database(), agent.replication()).run();
        spec.commandLine().getOut().println(report.table());
        report.requireInSync();
        return 0;
    }
}
