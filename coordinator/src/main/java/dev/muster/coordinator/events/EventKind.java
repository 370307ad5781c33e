package dev.muster.coordinator.events;

/** What a {@link FleetEvent} records; stored by name, so names never change. */
public enum EventKind {
    COORDINATOR_STARTED,
    CONNECTED,
    DISCONNECTED,
    REFUSED,
    MIGRATION_APPLIED,
    MIGRATION_FAILED,
    WAITING,
    HELD,
    RELEASED,
    REJECTED,
    REPLICATION,
    MEMBER_ADDED,
    MEMBER_REMOVED,
    PAUSED,
    RESUMED,
    FORCED_RELEASE,
    UPGRADE,
    /** An operator's call refused: no certificate, or a role that does not cover it. */
    DENIED,
    /** A region's migration files changed (new code put in place, or files removed). */
    CODE
}
