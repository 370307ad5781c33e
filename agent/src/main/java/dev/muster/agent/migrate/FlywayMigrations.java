package dev.muster.agent.migrate;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The local database's migrations through Flyway's Java API. Each call is one Flyway
 * command with its own connections, closed when it returns: nothing is held between
 * calls, in particular while the agent waits for a release.
 */
public final class FlywayMigrations implements Migrations {

    private final DatabaseConfig database;
    private final List<String> locations;

    public FlywayMigrations(DatabaseConfig database, List<String> locations) {
        this.database = database;
        this.locations = List.copyOf(locations);
    }

    @Override
    public MigrationState state() {
        MigrationInfoService info;
        try {
            info = configure().load().info();
        } catch (FlywayException e) {
            throw new MusterException(
                    ExitCode.UNAVAILABLE,
                    "cannot read the migrations of " + database.url() + " as " + database.user() + ": "
                            + e.getMessage(),
                    e);
        }
        List<LocalMigration> applied = new ArrayList<>();
        for (MigrationInfo migration : info.applied()) {
            if (migration.isVersioned()
                    && migration.getState().isApplied()
                    && !migration.getState().isFailed()) {
                applied.add(new LocalMigration(
                        migration.getVersion().getVersion(),
                        migration.getDescription(),
                        checksum(migration.getAppliedChecksum()),
                        Optional.ofNullable(migration.getInstalledOn())
                                .map(date -> Instant.ofEpochMilli(date.getTime())),
                        Optional.ofNullable(migration.getExecutionTime()).map(Duration::ofMillis),
                        migration.getInstalledRank() == null
                                ? OptionalInt.empty()
                                : OptionalInt.of(migration.getInstalledRank())));
            }
        }
        List<LocalMigration> available = Arrays.stream(info.all())
                .filter(migration ->
                        migration.isVersioned() && migration.getState().isResolved())
                .map(FlywayMigrations::resolved)
                .toList();
        List<LocalMigration> pending = Arrays.stream(info.pending())
                .filter(MigrationInfo::isVersioned)
                .map(FlywayMigrations::resolved)
                .toList();
        Optional<MigrationInfo> failed = Arrays.stream(info.all())
                .filter(migration ->
                        migration.isVersioned() && migration.getState().isFailed())
                .findFirst();
        return new MigrationState(
                applied,
                available,
                pending,
                blocker(info, failed),
                failed.map(migration -> migration.getVersion().getVersion()));
    }

    @Override
    public List<LocalMigration> migrateTo(String targetVersion) {
        MigrateResult result;
        try {
            result = configure().target(targetVersion).load().migrate();
        } catch (FlywayValidateException e) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "nothing was migrated: the migration history of " + database.url()
                            + " does not match the migration files: " + e.getMessage(),
                    e);
        } catch (FlywayException e) {
            throw failure(targetVersion, e);
        }
        Set<String> ranNow = new HashSet<>();
        result.migrations.forEach(output -> ranNow.add(output.version));
        return state().applied().stream()
                .filter(migration -> ranNow.contains(migration.version()))
                .toList();
    }

    /**
     * Which migration failed, and whether PostgreSQL rolled it back: a migration that ran
     * outside a transaction leaves a failed row in the history instead.
     */
    private MigrationFailure failure(String targetVersion, FlywayException cause) {
        MigrationState after;
        try {
            after = state();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return new MigrationFailure(
                    targetVersion,
                    "migrating to " + targetVersion + " failed, and " + database.url()
                            + " cannot be read now to tell which migration failed: " + cause.getMessage(),
                    cause);
        }
        if (after.failed().isPresent()) {
            String version = after.failed().get();
            return new MigrationFailure(
                    version,
                    "migration " + version + " failed outside a transaction, so part of it "
                            + "may be applied; it left a failed row in the migration history: " + cause.getMessage(),
                    cause);
        }
        String version = after.pendingVersions().stream().findFirst().orElse(targetVersion);
        return new MigrationFailure(
                version, "migration " + version + " failed and was rolled back: " + cause.getMessage(), cause);
    }

    /**
     * Why Flyway would not apply what muster expects it to, so that muster would report a
     * region up to date or the global could wait for it forever; empty if nothing blocks.
     */
    private Optional<String> blocker(MigrationInfoService info, Optional<MigrationInfo> failed) {
        if (failed.isPresent()) {
            return Optional.of("migration " + failed.get().getVersion().getVersion() + " failed in an earlier run "
                    + "and left a failed row in the migration history of " + database.url() + "; finish or undo its "
                    + "changes by hand and remove that row (flyway repair) before migrating again");
        }
        for (MigrationInfo migration : info.all()) {
            org.flywaydb.core.api.MigrationState state = migration.getState();
            if (migration.isVersioned()
                    && (state == org.flywaydb.core.api.MigrationState.IGNORED
                            || state == org.flywaydb.core.api.MigrationState.BELOW_BASELINE)) {
                return Optional.of(
                        "migration " + migration.getVersion().getVersion() + " of the migration files is "
                                + "older than what " + database.url() + " has applied (" + state.getDisplayName()
                                + ") and would never run there, so the global could wait for it forever; fix the migration files");
            }
        }
        return Optional.empty();
    }

    private FluentConfiguration configure() {
        String password = database.password().map(Secret::reveal).orElse(null);
        return Flyway.configure()
                .dataSource(database.url(), database.user(), password)
                .locations(locations.toArray(String[]::new))
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .loggers("slf4j");
    }

    private static LocalMigration resolved(MigrationInfo migration) {
        return new LocalMigration(
                migration.getVersion().getVersion(),
                migration.getDescription(),
                checksum(migration.getResolvedChecksum()),
                Optional.empty());
    }

    private static OptionalInt checksum(Integer checksum) {
        return checksum == null ? OptionalInt.empty() : OptionalInt.of(checksum);
    }
}
