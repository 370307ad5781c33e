package dev.muster.agent.daemon;

import dev.muster.agent.link.CoordinatorLink;
import dev.muster.proto.v1.AgentMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of the coordinator's commands, on their way back: sent on the current session,
 * whichever session the command came on (command ids are unique per coordinator run), or kept
 * while no session is welcomed and sent after the next Welcome, in the order they were made.
 */
final class CommandResults {

    private static final Logger log = LoggerFactory.getLogger(CommandResults.class);

    private final CoordinatorLink link;
    private final BooleanSupplier connected;
    /** Results made while no session was up. Guarded by itself. */
    private final List<AgentMessage> unsent = new ArrayList<>();

    /** @param connected whether a session the coordinator has welcomed is up */
    CommandResults(CoordinatorLink link, BooleanSupplier connected) {
        this.link = link;
        this.connected = connected;
    }

    void deliver(AgentMessage result) {
        synchronized (unsent) {
            // Behind any kept from before, so that results arrive in the order the commands ran.
            if (connected.getAsBoolean() && unsent.isEmpty() && link.send(result) != -1) {
                return;
            }
            unsent.add(result);
        }
    }

    /** After a Welcome: the results made while no session was up. */
    void sendKept() {
        synchronized (unsent) {
            Iterator<AgentMessage> results = unsent.iterator();
            while (connected.getAsBoolean() && results.hasNext()) {
                AgentMessage result = results.next();
                if (link.send(result) == -1) {
                    return;
                }
                log.info(
                        "Sent the result of command {}, kept while the coordinator was away",
                        result.getCommandResult().getCommandId());
                results.remove();
            }
        }
    }
}
