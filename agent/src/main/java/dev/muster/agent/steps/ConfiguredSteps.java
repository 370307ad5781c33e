package dev.muster.agent.steps;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.gate.GateLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;

/**
 * The daemon's steps, each with the agent's configuration file as it reads now, as the command
 * run by hand would have it: an operator who changed a subscription or a migration location
 * need not restart the daemon. Its region and role are the session's, which cannot change
 * under it: a file that now says otherwise fails the step and asks for a restart.
 */
public final class ConfiguredSteps implements UpgradeSteps {

    /** As {@code muster-agent migrate}'s defaults. */
    private static final Duration REPORT_TIMEOUT = Duration.ofMinutes(2);

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);

    private final AgentConfig running;

    /** @param running the configuration the daemon started with */
    public ConfiguredSteps(AgentConfig running) {
        this.running = running;
    }

    @Override
    public void teardown(TeardownMode mode, PrintWriter out) {
        new ReplicationLifecycle(current()).teardown(mode, out);
    }

    @Override
    public void migrate(Optional<String> target, GateLink session, BlockingQueue<LinkEvent> events, PrintWriter out)
            throws InterruptedException {
        new MigrationStep(current(), target, REPORT_TIMEOUT, CATCH_UP_TIMEOUT).run(session, events, out);
    }

    @Override
    public void setup(PrintWriter out) {
        new ReplicationLifecycle(current()).setup(out);
    }

    @Override
    public void verify(PrintWriter out) {
        new ReplicationLifecycle(current()).verify(out);
    }

    private AgentConfig current() {
        AgentConfig now = AgentConfig.load(running.file());
        if (now.region() != running.region() || now.role() != running.role()) {
            throw new MusterException(
                    ExitCode.CONFIG,
                    running.file() + " now says region " + now.region() + " ("
                            + now.role().name().toLowerCase(Locale.ROOT)
                            + "), but this daemon runs as region " + running.region() + " ("
                            + running.role().name().toLowerCase(Locale.ROOT)
                            + "); nothing was done. Restart it (systemctl restart muster-agent) to take the change");
        }
        return now;
    }
}
