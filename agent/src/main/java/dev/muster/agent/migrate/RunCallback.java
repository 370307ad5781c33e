package dev.muster.agent.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/** Flyway's events of one migrate run, told to a {@link RunListener} and the run's {@link CommitTracker}. */
final class RunCallback implements Callback {

    private static final Set<Event> HANDLED = Set.of(
            Event.BEFORE_EACH_MIGRATE,
            Event.AFTER_EACH_MIGRATE,
            Event.AFTER_VERSIONED,
            Event.AFTER_MIGRATE,
            Event.AFTER_EACH_MIGRATE_ERROR,
            Event.AFTER_MIGRATE_ERROR);

    private final RunListener listener;
    private final CommitTracker<Connection> tracker;
    private long startedAt;

    RunCallback(RunListener listener, CommitTracker<Connection> tracker) {
        this.listener = listener;
        this.tracker = tracker;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return HANDLED.contains(event);
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        switch (event) {
            case BEFORE_EACH_MIGRATE -> {
                tracker.movedOn();
                startedAt = System.nanoTime();
                if (context.getMigrationInfo().isVersioned()) {
                    listener.starting(migration(context.getMigrationInfo(), Optional.empty()));
                }
            }
            case AFTER_EACH_MIGRATE -> {
                if (context.getMigrationInfo().isVersioned()) {
                    afterStatements(context);
                }
            }
            case AFTER_VERSIONED, AFTER_MIGRATE -> tracker.movedOn();
            default -> tracker.failed();
        }
    }

    private void afterStatements(Context context) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
        LocalMigration migration = migration(context.getMigrationInfo(), Optional.of(took));
        Connection connection = context.getConnection();
        try {
            listener.applied(migration, connection);
            tracker.executed(migration, connection, connection.getAutoCommit());
        } catch (SQLException e) {
            throw new FlywayException(e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "muster";
    }

    private static LocalMigration migration(MigrationInfo info, Optional<Duration> took) {
        Integer checksum = info.getChecksum();
        return new LocalMigration(
                info.getVersion().getVersion(),
                info.getDescription(),
                checksum == null ? OptionalInt.empty() : OptionalInt.of(checksum),
                Optional.empty(),
                took,
                OptionalInt.empty());
    }
}
