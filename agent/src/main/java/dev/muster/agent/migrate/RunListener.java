package dev.muster.agent.migrate;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a caller of {@link Migrations#migrateTo} hears of each migration as the run goes,
 * in this order: before it runs, after its statements in its own transaction, and once it
 * and its history row have committed. A migration that fails is never heard as committed.
 */
public interface RunListener {

    RunListener NONE = new RunListener() {};

    /**
     * Before its statements run. Throwing {@link MigrationRefused} stops the run with this
     * migration rolled back and those before it committed.
     */
    default void starting(LocalMigration migration) {}

    /**
     * After its statements, on its connection and inside its transaction: what is done here
     * commits or rolls back with the migration. Throwing fails the migration.
     */
    default void applied(LocalMigration migration, Connection connection) throws SQLException {}

    /** It and its row in Flyway's history have committed: anyone may now see it applied. */
    default void committed(LocalMigration migration) {}
}
