package dev.muster.coordinator.fleet;

public enum Role {
    /** Publishes its tables and migrates first. */
    REMOTE,
    /** Subscribes to every remote; applies a version only after every member remote has. */
    GLOBAL
}
