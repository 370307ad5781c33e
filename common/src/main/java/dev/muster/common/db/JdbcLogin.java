package dev.muster.common.db;

import dev.muster.common.config.Secret;
import java.util.Optional;
import java.util.Properties;

/** JDBC connection properties: who logs in, what the server shows as the client, and bounded waits. */
public final class JdbcLogin {

    private JdbcLogin() {}

    /** The password goes only into the properties, never into the URL, which messages print. */
    public static Properties properties(String user, Optional<Secret> password, String applicationName) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        password.map(Secret::reveal).ifPresent(value -> properties.setProperty("password", value));
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("loginTimeout", "20");
        return properties;
    }
}
