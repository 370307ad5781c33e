package dev.muster.agent.steps;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.replication.RemotePublication;
import dev.muster.agent.replication.ReplicationVerifier;
import dev.muster.agent.replication.SetupOutcome;
import dev.muster.agent.replication.SubscriptionSetup;
import dev.muster.agent.replication.SubscriptionTeardown;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.agent.replication.TeardownOutcome;
import dev.muster.agent.replication.VerifyReport;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.io.PrintWriter;
import java.util.List;

/**
 * Replication around an upgrade, for one region: taken down on the global before the remotes
 * migrate, set up again after (the publication on a remote, the subscriptions on the global),
 * and verified. Each tells what it did on {@code out}; a failure is a {@link MusterException}
 * with the exit code the command line would end with.
 */
public final class ReplicationLifecycle {

    private final AgentConfig agent;

    public ReplicationLifecycle(AgentConfig agent) {
        this.agent = agent;
    }

    /** On the global, drops or disables each subscription; on a remote, nothing. */
    public void teardown(TeardownMode mode, PrintWriter out) {
        if (agent.role() == RegionRole.REMOTE) {
            out.println("region " + agent.region() + " is a remote region: teardown leaves its publication as it "
                    + "is; nothing to do");
            return;
        }
        List<TeardownOutcome> outcomes = new SubscriptionTeardown(agent.database(), agent.replication()).run(mode);
        if (outcomes.isEmpty()) {
            out.println("no subscriptions configured (replication.subscriptions): nothing to tear down");
        }
        outcomes.forEach(outcome -> out.println(outcome.describe()));
    }

    /** The publication on a remote; on the global, each subscription created, or enabled and refreshed. */
    public void setup(PrintWriter out) {
        if (agent.role() == RegionRole.REMOTE) {
            out.println(new RemotePublication(agent.database(), agent.replication())
                    .ensure()
                    .describe());
            return;
        }
        List<SetupOutcome> outcomes = new SubscriptionSetup(agent.database(), agent.replication()).run();
        if (outcomes.isEmpty()) {
            out.println("no subscriptions configured (replication.subscriptions): nothing to set up");
        }
        outcomes.forEach(outcome -> out.println(outcome.describe()));
    }

    /** On the global: each remote's rows against the global's copies; fails on a mismatch. */
    public void verify(PrintWriter out) {
        if (agent.role() == RegionRole.REMOTE) {
            throw new MusterException(
                    ExitCode.USAGE,
                    "verify compares the global with its remotes: run it with the global region's configuration ("
                            + agent.file() + " is region " + agent.region() + ", a remote)");
        }
        VerifyReport report = new ReplicationVerifier(agent.database(), agent.replication()).run();
        out.println(report.table());
        report.requireInSync();
    }
}
