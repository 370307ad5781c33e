package dev.muster.agent.replication;

import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The global region's own database, over one connection: its subscriptions and its copies
 * of the remotes' tables. What its catalog says is {@link #catalog()}'s.
 */
final class GlobalDatabase implements AutoCloseable {

    private final DatabaseConfig database;
    private final Connection connection;
    private final GlobalCatalog catalog;

    private GlobalDatabase(DatabaseConfig database, Connection connection) {
        this.database = database;
        this.connection = connection;
        this.catalog = new GlobalCatalog(connection);
    }

    static GlobalDatabase connect(DatabaseConfig database) {
        return new GlobalDatabase(database, Jdbc.local(database));
    }

    /**
     * Connects, and holds the global's {@link SubscriptionsLock lock on its subscriptions}
     * until closed.
     *
     * @throws MusterException if another holds the lock longer than {@link SubscriptionsLock#PATIENCE}
     */
    static GlobalDatabase changingSubscriptions(DatabaseConfig database) {
        GlobalDatabase global = connect(database);
        try {
            SubscriptionsLock.acquire(global.connection, global.describe(), SubscriptionsLock.PATIENCE);
            return global;
        } catch (RuntimeException e) {
            global.close();
            throw e;
        }
    }

    String describe() {
        return "the global's database " + database.url();
    }

    Connection connection() {
        return connection;
    }

    GlobalCatalog catalog() {
        return catalog;
    }

    int serverVersion() throws SQLException {
        return Jdbc.serverVersion(connection);
    }

    /** Deletes a region's rows from the given tables, all or none; returns how many rows went. */
    long deleteRange(Collection<TableName> tables, IdRange ids) throws SQLException {
        return RegionRangeDelete.run(connection, database.user(), tables, ids);
    }

    /** Marks the subscription torn down by an operator, or (with {@code false}) clears the mark. */
    void markTornDown(String subscription, boolean tornDown) throws SQLException {
        executeAlone("COMMENT ON SUBSCRIPTION " + Sql.identifier(subscription) + " IS "
                + (tornDown ? Sql.literal(GlobalCatalog.TORN_DOWN) : "NULL"));
    }

    void executeAlone(String sql) throws SQLException {
        Jdbc.executeAlone(connection, sql);
    }

    /** Runs a statement that holds a secret: see {@link UnloggedStatement}. */
    void executeUnlogged(String sql) throws SQLException {
        UnloggedStatement.execute(connection, sql);
    }

    RowDigest digest(TableName table, IdRange ids) throws SQLException {
        return RowDigest.read(connection, table, ids);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // every change was committed or rolled back before; nothing is left open
        }
    }
}
