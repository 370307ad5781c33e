package dev.muster.coordinator.access;

/** What an operator may do: a viewer reads the fleet; an admin also changes it. */
public enum OperatorRole {
    VIEWER,
    ADMIN;

    public boolean covers(OperatorRole needed) {
        return compareTo(needed) >= 0;
    }

    /** As the configuration writes it: {@code viewer}, {@code admin}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
