package dev.muster.coordinator.hub;

import java.util.Optional;

/**
 * An agent session the hub has welcomed, speaking for {@code region}, and the release
 * request it waits on an answer to. Guarded by the hub's lock.
 */
final class Session {

    final long id;
    final int region;
    final String databaseId;
    final Outbox outbox;
    /** Whether the agent is a daemon ({@code muster-agent run}), which carries out upgrade steps. */
    final boolean daemon;
    /** Empty until the agent asks, and again once a Go or a Reject settled its request. */
    Optional<OpenRequest> request = Optional.empty();

    Session(long id, AgentHello hello, Outbox outbox) {
        this.id = id;
        this.region = hello.region();
        this.databaseId = hello.databaseId();
        this.outbox = outbox;
        this.daemon = hello.daemon();
    }
}
