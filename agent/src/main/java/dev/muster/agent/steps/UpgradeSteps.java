package dev.muster.agent.steps;

import dev.muster.agent.gate.GateLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.replication.TeardownMode;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;

/**
 * The steps of an operator's upgrade that a daemon carries out on its region, each as the
 * {@code muster-agent} command of the same name would, telling what it does on {@code out}. A
 * step that fails throws {@link dev.muster.common.MusterException} with the command's exit code.
 */
public interface UpgradeSteps {

    void teardown(TeardownMode mode, PrintWriter out);

    /**
     * @param session the daemon's own session, lent to the gate for its release requests and reports
     * @param events  the session's events while the step runs
     */
    void migrate(Optional<String> target, GateLink session, BlockingQueue<LinkEvent> events, PrintWriter out)
            throws InterruptedException;

    void setup(PrintWriter out);

    void verify(PrintWriter out);
}
