package dev.muster.agent.migrate;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run's migrations, whose read of the state is handed on to the Hello of the run's first
 * session. The run reads the state and then opens its session: announcing that read saves
 * Flyway reading every migration file and the whole history again a moment later. It is
 * handed on once, and only if nothing was migrated since; every other read is fresh.
 */
public final class HandedOnState implements Migrations {

    private final Migrations migrations;
    private final AtomicReference<MigrationState> lastRead = new AtomicReference<>();
    private final AtomicBoolean handedOn = new AtomicBoolean();

    public HandedOnState(Migrations migrations) {
        this.migrations = migrations;
    }

    @Override
    public MigrationState state() {
        MigrationState state = migrations.state();
        lastRead.set(state);
        return state;
    }

    @Override
    public List<LocalMigration> migrateTo(String targetVersion, RunListener listener) {
        lastRead.set(null);
        return migrations.migrateTo(targetVersion, listener);
    }

    @Override
    public Readiness keepReady() {
        return migrations.keepReady();
    }

    /** For a Hello: the run's last read the first time, if there is one and nothing was migrated since; else a fresh read. */
    public MigrationState forHello() {
        if (handedOn.compareAndSet(false, true)) {
            MigrationState read = lastRead.getAndSet(null);
            if (read != null) {
                return read;
            }
        }
        return migrations.state();
    }
}
