package dev.muster.agent.replication;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link SubscriptionReconciler} did to one subscription after the global migrated.
 *
 * @param newTables tables the subscription gained, copied now
 * @param reason    why it was left alone, for the kinds that leave it
 */
public record ReconcileOutcome(
        int region, String subscription, Action action, List<TableName> newTables, String reason) {

    public enum Action {
        /** It was disabled by an apply error (a schema the global lacked): enabled and refreshed. */
        ENABLED,
        /** It was running: refreshed, so that tables new to the publication are copied. */
        REFRESHED,
        /** Not set up, torn down by an operator, or disabled by one: left for 'replication setup'. */
        LEFT_ALONE,
        /** The remote publishes tables or columns the global does not have yet; a later migration brings them. */
        WAITING,
        /** Its remote could not be reached, or the server refused: the reason says what to do. */
        FAILED
    }

    public ReconcileOutcome {
        newTables = List.copyOf(newTables);
    }

    /** Whether the subscription streams now, so that the global can wait for it to catch up. */
    public boolean live() {
        return action == Action.ENABLED || action == Action.REFRESHED;
    }

    public String describe() {
        String tables = newTables.isEmpty()
                ? ""
                : "; copying the tables new to it: "
                        + newTables.stream().map(TableName::toString).collect(Collectors.joining(", "));
        return switch (action) {
            case ENABLED ->
                subscription + ": enabled again (it had stopped on changes the global's schema lacked) "
                        + "and refreshed" + tables;
            case REFRESHED -> subscription + ": refreshed" + tables;
            case LEFT_ALONE, WAITING -> subscription + ": left alone, " + reason;
            case FAILED -> subscription + ": not brought in step: " + reason;
        };
    }
}
