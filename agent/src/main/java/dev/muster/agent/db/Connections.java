package dev.muster.agent.db;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import dev.muster.common.db.JdbcLogin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/** JDBC connections the agent opens; messages name the server and the user, never the password. */
public final class Connections {

    private Connections() {}

    /** A connection to this region's own database. */
    public static Connection local(DatabaseConfig database) {
        try {
            return DriverManager.getConnection(database.url(), login(database.user(), database.password()));
        } catch (SQLException e) {
            throw new MusterException(
                    ExitCode.UNAVAILABLE,
                    "cannot connect to this region's database " + database.url() + " as " + database.user() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Connection properties: who logs in, as whom the server sees the session, and bounded waits. */
    public static Properties login(String user, Optional<Secret> password) {
        return JdbcLogin.properties(user, password, "muster-agent");
    }
}
