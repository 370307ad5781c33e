package dev.muster.agent.replication;

import dev.muster.agent.db.Connections;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Connections for replication work; messages name the server and the user, never the password. */
final class Jdbc {

    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    private Jdbc() {}

    static Connection local(DatabaseConfig database) {
        return Connections.local(database);
    }

    static Connection remote(RemoteEndpoint remote) {
        try {
            return DriverManager.getConnection(
                    remote.jdbcUrl(), Connections.login(remote.config().user(), remote.password()));
        } catch (SQLException e) {
            String hint = INVALID_PASSWORD.equals(e.getSQLState()) || INVALID_AUTHORIZATION.equals(e.getSQLState())
                    ? " (check user and password_file of region " + remote.region() + " in replication.subscriptions)"
                    : "";
            throw new MusterException(
                    ExitCode.UNAVAILABLE, "cannot connect to " + remote.describe() + ": " + e.getMessage() + hint, e);
        }
    }

    /** Database work that may fail with an {@link SQLException}. */
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work}; a failure becomes a {@link MusterException} that says what was being done. */
    static <T> T attempt(String doing, Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw failure(doing, e);
        }
    }

    /** A failed statement: what was being done, and the server's words (which never echo the statement). */
    static MusterException failure(String doing, SQLException e) {
        return new MusterException(ExitCode.FAILED, doing + ": " + e.getMessage(), e);
    }

    static int serverVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
            result.next();
            return result.getInt(1);
        }
    }

    /** Runs one statement on its own, outside any transaction block (subscription DDL must). */
    static void executeAlone(Connection connection, String sql) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
