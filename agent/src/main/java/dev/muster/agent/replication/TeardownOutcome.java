package dev.muster.agent.replication;

/** What {@link SubscriptionTeardown} did to one subscription. */
public record TeardownOutcome(int region, String subscription, Action action) {

    public enum Action {
        DROPPED,
        DISABLED,
        ALREADY_DISABLED,
        ABSENT
    }

    public String describe() {
        return switch (action) {
            case DROPPED -> subscription + ": dropped, and its replication slot on region " + region;
            case DISABLED ->
                subscription + ": disabled; its slot on region " + region + " keeps the changes until setup";
            case ALREADY_DISABLED -> subscription + ": already disabled";
            case ABSENT -> subscription + ": does not exist; nothing to do";
        };
    }
}
