package dev.muster.agent.link;

import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.Go;
import dev.muster.proto.v1.Wait;
import dev.muster.proto.v1.Welcome;
import java.time.Duration;

/** What happens on the link to the coordinator, delivered to the agent in order. */
public sealed interface LinkEvent {

    /** A session is established: the coordinator has recorded this agent's Hello. */
    record Connected(long session, Welcome welcome) implements LinkEvent {}

    record Waiting(long session, Wait signal) implements LinkEvent {}

    record Released(long session, Go go) implements LinkEvent {}

    /**
     * The coordinator refuses: a release request ({@code requestId}), or with request id 0
     * the whole session, before Welcome; the reason says what to fix.
     */
    record Rejected(long session, long requestId, String reason) implements LinkEvent {

        public boolean refusesSession() {
            return requestId == 0;
        }
    }

    /**
     * A step of an operator's upgrade for the daemon to carry out; it answers with a
     * CommandResult carrying the same command id.
     */
    record CommandReceived(long session, Command command) implements LinkEvent {}

    /**
     * The coordinator turned this agent away for who its certificate says it is (none shown,
     * an operator's, or another region's): waiting will not change that, a certificate or
     * configuration must. The link still tries again, after {@link Disconnected}.
     */
    record Denied(long session, String reason) implements LinkEvent {}

    /** The session is down, for the reason given as a sentence; the link tries again after {@code retryIn}. */
    record Disconnected(String reason, Duration retryIn) implements LinkEvent {}
}
