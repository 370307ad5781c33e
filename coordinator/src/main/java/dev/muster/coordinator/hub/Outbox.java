package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.steps.Step;
import java.util.SortedSet;

/** What the hub says to one agent session. The wire edge turns it into protocol messages. */
public interface Outbox {

    /** The agent's hello was accepted. */
    void welcome(SortedSet<Integer> memberRegions);

    /** The answer to the agent's release request {@code requestId}, or a changed wait. */
    void release(long requestId, Release release);

    /** The agent may not join the fleet; the session ends after this. */
    void refuse(String reason);

    /** A newer session of the same agent took over; this one ends. */
    void supersede();

    /** An upgrade's step {@code commandId} for the agent's daemon to carry out. */
    void command(long commandId, Step step);
}
