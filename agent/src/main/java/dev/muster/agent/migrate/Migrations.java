package dev.muster.agent.migrate;

import java.util.List;

/** The local database's migrations: what they are, and applying them. */
public interface Migrations {

    MigrationState state();

    /**
     * Applies every pending migration up to and including {@code targetVersion}, in one run,
     * each in its own transaction, and returns those applied as the history now records them.
     * Holds no connection or lock once it returns.
     *
     * @throws MigrationFailure if one fails; it is rolled back, those before it stay applied
     */
    List<LocalMigration> migrateTo(String targetVersion);
}
