package dev.muster.agent.migrate;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.pattern.ValidatePattern;

/**
 * The local database's migrations through Flyway's Java API. Each call is one Flyway
 * command; its connections are closed when it returns, unless {@link #keepReady} keeps
 * them open and idle for the next one.
 */
public final class FlywayMigrations implements Migrations {

    private final DatabaseConfig database;
    private final List<String> locations;
    private final RunConnections connections;
    private final HistoryRows history = new HistoryRows(Flyway.configure().getTable());
    /** The files as they were when they validated against the history on the connections kept ready. */
    private final AtomicReference<Optional<FilesFingerprint>> validated = new AtomicReference<>(Optional.empty());

    public FlywayMigrations(DatabaseConfig database, List<String> locations) {
        this.database = database;
        this.locations = List.copyOf(locations);
        this.connections = new RunConnections(database);
    }

    /**
     * Opens the connections a run needs and validates the migration files against the
     * history through them, as Flyway's migrate would, so that the server processes have the
     * history at hand and the next {@link #migrateTo} need not validate again; the connections
     * stay open and idle until the handle closes. If the database cannot be read or the files
     * do not validate now, the run will say why when it is asked for.
     */
    @Override
    public Readiness keepReady() {
        connections.keepIdle(true);
        try {
            FluentConfiguration configuration = configure();
            // migrate validates so: pending migrations are what it is there to apply
            List<ValidatePattern> ignored = new ArrayList<>(List.of(configuration.getIgnoreMigrationPatterns()));
            ignored.add(ValidatePattern.fromPattern("*:pending"));
            Optional<FilesFingerprint> files = FilesFingerprint.of(locations);
            boolean valid = configuration
                    .dataSource(connections.unwatched())
                    .ignoreMigrationPatterns(ignored.toArray(ValidatePattern[]::new))
                    .load()
                    .validateWithResult()
                    .validationSuccessful;
            validated.set(valid ? files : Optional.empty());
        } catch (FlywayException e) {
            connections.close();
        }
        return () -> {
            validated.set(Optional.empty());
            connections.keepIdle(false);
        };
    }

    @Override
    public MigrationState state() {
        MigrationInfoService info;
        try {
            info = configure().dataSource(connections.unwatched()).load().info();
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

    /**
     * Each migration is told to {@code listener} as committed the moment its own transaction
     * and its history row's have committed, not when the whole run ends.
     */
    @Override
    public List<LocalMigration> migrateTo(String targetVersion, RunListener listener) {
        List<LocalMigration> committed = new ArrayList<>();
        CommitTracker<Connection> tracker = new CommitTracker<>((migration, connection) -> {
            LocalMigration recorded = history.recorded(migration, connection);
            committed.add(recorded);
            listener.committed(recorded);
        });
        try {
            var unused = configure()
                    .dataSource(connections.watched(tracker::commitReturned))
                    .target(targetVersion)
                    .validateOnMigrate(!stillValid())
                    .callbacks(new RunCallback(listener, tracker))
                    .load()
                    .migrate();
        } catch (FlywayValidateException e) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "nothing was migrated: the migration history of " + database.url()
                            + " does not match the migration files: " + e.getMessage(),
                    e);
        } catch (FlywayException e) {
            connections.close();
            Optional<MigrationRefused> refused = refusal(e);
            if (refused.isPresent()) {
                throw refused.get();
            }
            throw failure(targetVersion, e);
        }
        return List.copyOf(committed);
    }

    /**
     * Whether what {@link #keepReady} validated still holds, for this run alone: the files are
     * as they were then. A history changed meanwhile by another process is caught where it
     * matters: Flyway takes what is pending from the history it reads under its lock, and the
     * listener checks each migration against what was released as it is about to run.
     */
    private boolean stillValid() {
        Optional<FilesFingerprint> then = validated.getAndSet(Optional.empty());
        return then.isPresent() && then.equals(FilesFingerprint.of(locations));
    }

    private static Optional<MigrationRefused> refusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MigrationRefused refused) {
                return Optional.of(refused);
            }
        }
        return Optional.empty();
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
        return Flyway.configure()
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
