package dev.muster.agent.daemon;

import dev.muster.agent.gate.GateLink;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.proto.v1.AgentMessage;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The daemon's session, lent to the gate while a migrate step runs: its release requests and
 * reports go out on the session the daemon keeps, and the session's events reach the gate as
 * well as the daemon. The session outlives the step, so nothing waits for it to end.
 */
final class SessionGate implements GateLink {

    private final CoordinatorLink link;
    /** The events of the step running now; null between steps. */
    private volatile BlockingQueue<LinkEvent> events;

    SessionGate(CoordinatorLink link) {
        this.link = link;
    }

    /** A step begins; the session's events from now on go to the queue returned. */
    BlockingQueue<LinkEvent> open() {
        BlockingQueue<LinkEvent> opened = new LinkedBlockingQueue<>();
        events = opened;
        return opened;
    }

    /** The step has ended. */
    void close() {
        events = null;
    }

    /** On gRPC threads: hands {@code event} to the step running now, if any. */
    void deliver(LinkEvent event) {
        Optional.ofNullable(events).ifPresent(queue -> queue.add(event));
    }

    @Override
    public String target() {
        return link.target();
    }

    /** The daemon started the session already. */
    @Override
    public void start() {}

    @Override
    public boolean sessionUp() {
        return link.sessionUp();
    }

    @Override
    public long send(AgentMessage message) {
        return link.send(message);
    }

    /**
     * An applied migration is repeated on later sessions until a Hello holds it. A failure is
     * sent once: the step's result, which the daemon keeps until it is delivered, tells it too,
     * and repeating it on every reconnect for as long as the daemon runs would record it again
     * each time.
     */
    @Override
    public void report(AgentMessage message) {
        if (message.hasMigrationFailed()) {
            link.send(message);
        } else {
            link.report(message);
        }
    }

    /**
     * At once: the reports travel on the session ahead of the step's result, and the link
     * repeats them on every later session until a Hello holds them, for as long as the daemon runs.
     */
    @Override
    public CompletableFuture<Void> reportsDelivered() {
        return CompletableFuture.completedFuture(null);
    }
}
