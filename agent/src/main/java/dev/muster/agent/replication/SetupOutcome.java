package dev.muster.agent.replication;

/** What {@link SubscriptionSetup} did to one subscription. */
public record SetupOutcome(int region, String subscription, Action action, int tables, long rowsRemoved) {

    public enum Action {
        /** It did not exist: region's rows were removed from the global's copies and are copied afresh. */
        CREATED,
        /** It was disabled: enabled, then refreshed; what the slot kept follows, nothing is copied again. */
        ENABLED,
        /** It was running: refreshed, so that tables new to the publication are copied. */
        REFRESHED
    }

    private String joiningRowsRemoved() {
        return rowsRemoved == 0
                ? ""
                : "; removed " + rowsRemoved + (rowsRemoved == 1 ? " row" : " rows") + " of region " + region
                        + " from the global's copies of the tables new to it, which it copies afresh";
    }

    public String describe() {
        String count = tables == 1 ? "1 table" : tables + " tables";
        return switch (action) {
            case CREATED ->
                subscription + ": created; removed " + rowsRemoved + (rowsRemoved == 1 ? " row" : " rows")
                        + " of region " + region
                        + " from the global's copies of " + count + ", which it copies afresh from region " + region;
            case ENABLED ->
                subscription + ": enabled and refreshed (" + count + "); the changes its slot kept "
                        + "follow, and only tables new to the publication are copied" + joiningRowsRemoved();
            case REFRESHED -> subscription + ": already enabled; refreshed (" + count + ")" + joiningRowsRemoved();
        };
    }
}
