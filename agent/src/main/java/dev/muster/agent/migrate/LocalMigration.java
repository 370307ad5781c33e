package dev.muster.agent.migrate;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A versioned migration of the local database: one of the migration files, or a row of
 * Flyway's history when applied.
 *
 * @param installedOn   when it was applied, for an applied one
 * @param executionTime how long it ran, for an applied one
 * @param installedRank its place in Flyway's history, for an applied one: later rows rank higher
 */
public record LocalMigration(
        String version,
        String description,
        OptionalInt checksum,
        Optional<Instant> installedOn,
        Optional<Duration> executionTime,
        OptionalInt installedRank) {

    /** One not read from Flyway's history: not applied yet, or applied as a test says. */
    public LocalMigration(String version, String description, OptionalInt checksum, Optional<Instant> installedOn) {
        this(version, description, checksum, installedOn, Optional.empty(), OptionalInt.empty());
    }
}
