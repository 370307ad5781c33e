package dev.muster.agent.replication;

import java.util.Locale;

/** How {@code replication teardown} takes a subscription down before an upgrade. */
public enum TeardownMode {
    /** {@code DROP SUBSCRIPTION}: the remote's slot goes too; setup copies the region afresh. */
    DROP,
    /** {@code ALTER SUBSCRIPTION … DISABLE}: the slot keeps every change (and the WAL) until setup. */
    DISABLE;

    /** {@code drop} or {@code disable}, as the command line writes them. */
    public static TeardownMode parse(String text) {
        for (TeardownMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a teardown mode: use drop or disable");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
