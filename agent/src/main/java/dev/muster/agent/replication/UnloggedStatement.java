package dev.muster.agent.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement that holds a secret (a connection string with a password), run so that the
 * server keeps its text out of its log, pg_stat_activity and pg_stat_statements, as far as
 * the role may ask it to.
 */
final class UnloggedStatement {

    private static final List<String> QUIET = List.of(
            "log_statement = 'none'",
            "log_min_error_statement = 'panic'",
            "log_min_duration_statement = -1",
            "track_activities = off",
            "pg_stat_statements.track_utility = off");

    private UnloggedStatement() {}

    /** Runs {@code sql} in autocommit, the server asked to keep quiet about it for as long as it runs. */
    static void execute(Connection connection, String sql) throws SQLException {
        connection.setAutoCommit(true);
        List<String> changed = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (String setting : QUIET) {
                try {
                    statement.execute("SET " + setting);
                    changed.add(setting.substring(0, setting.indexOf(' ')));
                } catch (SQLException notPermitted) {
                    // a non-superuser may not change it; the statement runs all the same
                }
            }
            try {
                statement.execute(sql);
            } finally {
                for (String setting : changed) {
                    statement.execute("RESET " + setting);
                }
            }
        }
    }
}
