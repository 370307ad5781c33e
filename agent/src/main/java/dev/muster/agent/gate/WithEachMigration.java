package dev.muster.agent.gate;

import dev.muster.agent.migrate.LocalMigration;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What is to commit with each migration, in its own transaction, before the coordinator can
 * hear of it: on a remote, its publication takes the tables the migration created, so that
 * the global, released by the report, finds them published when it refreshes its subscription.
 */
@FunctionalInterface
public interface WithEachMigration {

    WithEachMigration NOTHING = (migration, connection) -> {};

    void apply(LocalMigration migration, Connection connection) throws SQLException;
}
