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
 */
public record LocalMigration(String version, String description, OptionalInt checksum, Optional<Instant> installedOn,
                             Optional<Duration> executionTime) {

    /** One whose run time is not known: not applied yet, or read from elsewhere than Flyway's history. */
    public LocalMigration(String version, String description, OptionalInt checksum, Optional<Instant> installedOn) {
        this(version, description, checksum, installedOn, Optional.empty());
    }
}
