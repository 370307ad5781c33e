package dev.muster.agent.gate;

import dev.muster.proto.v1.AgentMessage;
import java.util.concurrent.CompletableFuture;

/**
 * What the gate needs of a session with the coordinator: {@code migrate} run by hand opens a
 * link of its own for the run; the daemon lends the gate the session it keeps anyway, so that
 * a region has one session whoever applies its migrations.
 */
public interface GateLink {

    /** The coordinator's address, for messages to the operator. */
    String target();

    /** Connects, unless the session is up already; events go where the link's owner said. */
    void start();

    /** Whether a session is up and the coordinator has welcomed it. */
    boolean sessionUp();

    /** Sends on the current session; returns the session it went out on, or -1 if none is up. */
    long send(AgentMessage message);

    /** A migration applied or failed: sent now, and again on later sessions until the coordinator has it. */
    void report(AgentMessage message);

    /** Completes once the coordinator has every report made on this link. */
    CompletableFuture<Void> reportsDelivered();
}
