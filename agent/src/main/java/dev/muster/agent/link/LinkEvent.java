package dev.muster.agent.link;

import dev.muster.proto.v1.Go;
import dev.muster.proto.v1.Wait;
import dev.muster.proto.v1.Welcome;
import java.time.Duration;

/** What happens on the link to the coordinator, delivered to the agent in order. */
public sealed interface LinkEvent {

    /** A session is established: the coordinator has recorded this agent's Hello. */
    record Connected(long session, Welcome welcome) implements LinkEvent {
    }

    record Waiting(long session, Wait signal) implements LinkEvent {
    }

    record Released(long session, Go go) implements LinkEvent {
    }

    /** The coordinator refuses to go on with this agent; the reason says what to fix. */
    record Rejected(long session, String reason) implements LinkEvent {
    }

    /** The session is down, for the reason given as a sentence; the link tries again after {@code retryIn}. */
    record Disconnected(String reason, Duration retryIn) implements LinkEvent {
    }
}
