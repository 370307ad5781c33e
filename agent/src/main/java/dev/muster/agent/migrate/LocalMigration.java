package dev.muster.agent.migrate;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A versioned migration of the local database: one of the migration files, or a row of
 * Flyway's history when applied.
 */
public record LocalMigration(String version, String description, OptionalInt checksum, Optional<Instant> installedOn) {
}
