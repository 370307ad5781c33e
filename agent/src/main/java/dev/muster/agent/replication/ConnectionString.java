package dev.muster.agent.replication;

import dev.muster.common.config.Secret;
import java.util.Optional;

/**
 * A libpq connection string, as {@code CREATE SUBSCRIPTION … CONNECTION} takes it. It
 * prints with the password masked; only {@link #reveal()} gives the text with it, for
 * the one statement that needs it.
 */
final class ConnectionString {

    private final String withoutPassword;
    private final Optional<Secret> password;

    private ConnectionString(String withoutPassword, Optional<Secret> password) {
        this.withoutPassword = withoutPassword;
        this.password = password;
    }

    /**
     * How long the global's apply worker waits for a remote's server to answer before it
     * gives up and tries again: without it, a remote that swallows packets holds the worker
     * for the system's TCP timeout, minutes.
     */
    static final int CONNECT_TIMEOUT_SECONDS = 10;

    static ConnectionString of(String host, int port, String user, String dbname, Optional<Secret> password) {
        String text = "host=" + value(host) + " port=" + value(Integer.toString(port))
                + " user=" + value(user) + " dbname=" + value(dbname)
                + " connect_timeout=" + value(Integer.toString(CONNECT_TIMEOUT_SECONDS));
        return new ConnectionString(text, password);
    }

    /** This string with {@code key=value} added, if there is a value. */
    ConnectionString with(String key, Optional<String> value) {
        return value.map(text -> new ConnectionString(withoutPassword + " " + key + "=" + value(text), password))
                .orElse(this);
    }

    /** The whole string, password included: for the statement, never for a message. */
    String reveal() {
        return password.map(secret -> withoutPassword + " password=" + value(secret.reveal()))
                .orElse(withoutPassword);
    }

    @Override
    public String toString() {
        return password.isPresent() ? withoutPassword + " password=****" : withoutPassword;
    }

    /** libpq's quoting: single quotes around, backslash before a quote or a backslash. */
    private static String value(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
