package dev.muster.agent.region;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Connections to the region's own database. */
final class Jdbc {

    private Jdbc() {
    }

    static Connection connect(DatabaseConfig database) {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        database.password().map(Secret::reveal).ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("ApplicationName", "muster-agent");
        try {
            return DriverManager.getConnection(database.url(), properties);
        } catch (SQLException e) {
            throw new MusterException(ExitCode.UNAVAILABLE, "cannot connect to " + database.url() + " as "
                    + database.user() + ": " + e.getMessage(), e);
        }
    }
}
