package dev.muster.coordinator.fleet;

import java.time.Instant;

/**
 * An operator released {@code version} to the global without waiting for every member:
 * an explicit act with a reason, kept in the event log.
 */
public record ForcedRelease(String version, String reason, String by, Instant at) {}
