package dev.muster.agent.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Collection;

/**
 * The removal of a region's rows, those in its id range, from the global's copies of
 * tables, before a copy brings them afresh: all or none.
 */
final class RegionRangeDelete {

    private RegionRangeDelete() {}

    /**
     * Deletes the rows of {@code ids} from {@code tables} in one transaction; returns how many went.
     *
     * @param role the role {@code connection} logs in as, for the message that refuses it
     */
    static long run(Connection connection, String role, Collection<TableName> tables, IdRange ids) throws SQLException {
        connection.setAutoCommit(false);
        try {
            long deleted = 0;
            // As the apply worker does: foreign keys and triggers of the global's copies do not
            // fire, so the order of the tables does not matter and no cascade reaches the global's
            // own rows. Only a superuser may; others delete with them on.
            Savepoint beforeRole = connection.setSavepoint();
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL session_replication_role = replica");
            } catch (SQLException notPermitted) {
                connection.rollback(beforeRole);
                refuseCascades(connection, role, tables);
            }
            for (TableName table : tables) {
                try (PreparedStatement statement =
                        connection.prepareStatement("DELETE FROM " + table.quoted() + " WHERE id BETWEEN ? AND ?")) {
                    statement.setLong(1, ids.first());
                    statement.setLong(2, ids.last());
                    deleted += statement.executeLargeUpdate();
                }
            }
            connection.commit();
            return deleted;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * With foreign keys on, a key that cascades (or sets null or a default) on delete would
     * carry the removal of a region's rows into other rows, maybe the global's own, which no
     * copy brings back. A key that restricts fails the delete by itself, which undoes it all.
     */
    private static void refuseCascades(Connection connection, String role, Collection<TableName> tables)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT con.conname, con.conrelid::regclass::text, con.confrelid::regclass::text FROM pg_constraint con "
                        + "WHERE con.contype = 'f' AND con.confdeltype IN ('c', 'n', 'd') "
                        + "AND con.confrelid IN (SELECT to_regclass(t) FROM unnest(?::text[]) AS t)")) {
            statement.setArray(
                    1,
                    connection.createArrayOf(
                            "text", tables.stream().map(TableName::quoted).toArray(String[]::new)));
            try (ResultSet result = statement.executeQuery()) {
                if (result.next()) {
                    throw new SQLException("the role " + role + " may not turn foreign keys off "
                            + "(session_replication_role needs a superuser), and foreign key " + result.getString(1)
                            + " of " + result.getString(2) + " would carry the removal from " + result.getString(3)
                            + " into other rows; run this as a superuser");
                }
            }
        }
    }
}
