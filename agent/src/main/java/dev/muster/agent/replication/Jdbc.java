package dev.muster.agent.replication;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Connections for replication work; messages name the server and the user, never the password. */
final class Jdbc {

    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    private Jdbc() {
    }

    static Connection local(DatabaseConfig database) {
        Properties properties = properties(database.user());
        database.password().map(Secret::reveal).ifPresent(password -> properties.setProperty("password", password));
        try {
            return DriverManager.getConnection(database.url(), properties);
        } catch (SQLException e) {
            throw new MusterException(ExitCode.UNAVAILABLE, "cannot connect to this region's database "
                    + database.url() + " as " + database.user() + ": " + e.getMessage(), e);
        }
    }

    static Connection remote(RemoteEndpoint remote) {
        Properties properties = properties(remote.config().user());
        remote.password().map(Secret::reveal).ifPresent(password -> properties.setProperty("password", password));
        try {
            return DriverManager.getConnection(remote.jdbcUrl(), properties);
        } catch (SQLException e) {
            String hint = INVALID_PASSWORD.equals(e.getSQLState()) || INVALID_AUTHORIZATION.equals(e.getSQLState())
                    ? " (check user and password_file of region " + remote.region()
                            + " in replication.subscriptions)"
                    : "";
            throw new MusterException(ExitCode.UNAVAILABLE, "cannot connect to " + remote.describe() + ": "
                    + e.getMessage() + hint, e);
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

    private static Properties properties(String user) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("ApplicationName", "muster-agent");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("loginTimeout", "20");
        return properties;
    }
}
