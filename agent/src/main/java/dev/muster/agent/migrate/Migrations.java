package dev.muster.agent.migrate;

import java.util.List;

/** The local database's migrations: what they are, and applying them. */
public interface Migrations {

    MigrationState state();

    /**
     * Applies every pending migration up to and including {@code targetVersion}, in one run,
     * each in its own transaction, telling {@code listener} of each as it goes, and returns
     * those that committed. Holds no transaction or lock once it returns, and no connection
     * unless {@link #keepReady} asked for them.
     *
     * @throws MigrationFailure if one fails; it is rolled back, those before it stay applied
     * @throws MigrationRefused if the listener refused one; nothing of it was applied
     */
    List<LocalMigration> migrateTo(String targetVersion, RunListener listener);

    /**
     * Until the returned handle is closed, keeps at hand what {@link #migrateTo} needs, so
     * that a run asked for later starts at once: idle connections (no transaction, no lock)
     * whose server processes have read the migration history already.
     */
    default Readiness keepReady() {
        return () -> {};
    }

    /** What {@link #keepReady} holds; closing it lets go. */
    interface Readiness extends AutoCloseable {

        @Override
        void close();
    }
}
