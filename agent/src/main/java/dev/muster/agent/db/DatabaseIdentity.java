package dev.muster.agent.db;

import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which database this agent manages, as {@code <system identifier>/<database name>}: the
 * same on every connection to that database, different for a copy restored elsewhere
 * ({@code initdb} draws the identifier). The coordinator tells agents of the same database
 * from agents of another one by it. Best effort: empty when the server will not say.
 */
public final class DatabaseIdentity implements Supplier<String> {

    private static final Logger log = LoggerFactory.getLogger(DatabaseIdentity.class);
    private static final String QUERY = "SELECT system_identifier::text, current_database() FROM pg_control_system()";
    /** Managed servers (RDS, Azure, ...) revoke EXECUTE on pg_control_system() from their customers. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final DatabaseConfig database;
    private String identity; // guarded by this; null until the server has answered

    public DatabaseIdentity(DatabaseConfig database) {
        this.database = database;
    }

    /**
     * The identity, or empty if the server refused to tell it. Once the server has answered,
     * either way, that answer is kept; a failure to connect is not, so the next call asks again.
     */
    @Override
    public synchronized String get() {
        if (identity != null) {
            return identity;
        }
        Connection connection;
        try {
            connection = Connections.local(database);
        } catch (RuntimeException e) {
            log.debug("Cannot read the identity of {}: {}", database.url(), e.getMessage());
            return "";
        }
        identity = read(connection);
        return identity;
    }

    private String read(Connection opened) {
        try (Connection connection = opened;
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(QUERY)) {
            result.next();
            return format(result.getString(1), result.getString(2));
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                log.debug(
                        "{} may not call pg_control_system() on {}; this agent's database id stays empty",
                        database.user(),
                        database.url());
            } else {
                log.debug("Cannot read the identity of {}: {}", database.url(), e.getMessage());
            }
            return "";
        }
    }

    static String format(String systemIdentifier, String databaseName) {
        return systemIdentifier + "/" + databaseName;
    }
}
