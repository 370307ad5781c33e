package dev.muster.coordinator.fleet;

/** A member region that holds the global's migration, and why, in words an operator can act on. */
public record Blocker(int region, String reason) {}
