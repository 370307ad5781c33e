package dev.muster.agent.db;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/** JDBC connections the agent opens; messages name the server and the user, never the password. */
public final class Connections {

    private Connections() {
    }

    /** A connection to this region's own database. */
    public static Connection local(DatabaseConfig database) {
        try {
            return DriverManager.getConnection(database.url(), login(database.user(), database.password()));
        } catch (SQLException e) {
            throw new MusterException(ExitCode.UNAVAILABLE, "cannot connect to this region's database "
                    + database.url() + " as " + database.user() + ": " + e.getMessage(), e);
        }
    }

    /** Connection properties: who logs in, as whom the server sees the session, and bounded waits. */
    public static Properties login(String user, Optional<Secret> password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        password.map(Secret::reveal).ifPresent(value -> properties.setProperty("password", value));
        properties.setProperty("ApplicationName", "muster-agent");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("loginTimeout", "20");
        return properties;
    }
}
