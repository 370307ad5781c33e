package dev.muster.coordinator.events;

import java.time.Duration;
import java.util.Optional;

/**
 * A migration that a {@link EventKind#MIGRATION_APPLIED} event records.
 *
 * @param took how long it ran, as Flyway's history records it, when its agent said
 */
public record MigrationRun(String version, Optional<Duration> took) {}
