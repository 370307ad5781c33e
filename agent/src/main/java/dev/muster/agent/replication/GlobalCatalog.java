package dev.muster.agent.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the global's catalog says of its subscriptions, their tables and workers, and its own tables. */
final class GlobalCatalog {

    /**
     * A subscription as {@code pg_subscription} records it; {@code slot} is empty after
     * {@code SET (slot_name = NONE)}. {@code tornDown}: an operator's {@code replication teardown
     * --mode disable} disabled it, and only {@code replication setup} is to bring it back.
     * {@code failedToApply}: it stops on errors ({@code disable_on_error}, PostgreSQL 15+) and
     * has had some, so a disabled one was most likely stopped by an error, not by a person.
     */
    record Subscription(
            long oid, String name, boolean enabled, Optional<String> slot, boolean tornDown, boolean failedToApply) {

        /** Disabled by an apply error, as far as the server tells: not by a person. */
        boolean stoppedByError() {
            return !enabled && !tornDown && failedToApply;
        }
    }

    /** The global's tables, and whether each has the integer {@code id} column that tells regions' rows apart. */
    record Tables(Map<TableName, Boolean> hasId) {

        boolean contains(TableName table) {
            return hasId.containsKey(table);
        }

        boolean hasId(TableName table) {
            return hasId.getOrDefault(table, false);
        }
    }

    /** What {@code teardown --mode disable} writes on the subscription, so that no one mistakes its intent. */
    static final String TORN_DOWN = "muster: torn down by 'replication teardown --mode disable'";

    private final Connection connection;

    GlobalCatalog(Connection connection) {
        this.connection = connection;
    }

    Optional<Subscription> subscription(String name) throws SQLException {
        String failedToApply = Jdbc.serverVersion(connection) >= 150000
                ? "s.subdisableonerr AND coalesce((SELECT st.apply_error_count + st.sync_error_count "
                        + "FROM pg_stat_subscription_stats st WHERE st.subid = s.oid), 0) > 0"
                : "false";
        try (PreparedStatement statement = connection.prepareStatement("SELECT s.oid, s.subenabled, s.subslotname, "
                + "coalesce(obj_description(s.oid, 'pg_subscription') = ?, false), " + failedToApply
                + " FROM pg_subscription s WHERE s.subname = ? "
                + "AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            statement.setString(1, TORN_DOWN);
            statement.setString(2, name);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Subscription(
                        result.getLong(1),
                        name,
                        result.getBoolean(2),
                        Optional.ofNullable(result.getString(3)),
                        result.getBoolean(4),
                        result.getBoolean(5)));
            }
        }
    }

    Tables tables() throws SQLException {
        Map<TableName, Boolean> tables = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                     SELECT n.nspname, c.relname,
                            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND %s)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p')
                     """.formatted(Sql.IS_INTEGER_ID))) {
            while (result.next()) {
                tables.put(new TableName(result.getString(1), result.getString(2)), result.getBoolean(3));
            }
        }
        return new Tables(tables);
    }

    /** Tables of the subscription not yet ready: being copied, or waiting to be. */
    long tablesNotReady(String subscription) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid "
                        + "WHERE s.subname = ? AND r.srsubstate <> 'r'")) {
            statement.setString(1, subscription);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /**
     * The subscription's tables whose copy has not begun or not finished: a copy that
     * failed (on duplicate ids, say) leaves its table so, with nothing of it committed.
     */
    List<TableName> tablesNotCopied(String subscription) throws SQLException {
        return subscriptionTables(subscription, "r.srsubstate IN ('i', 'd')");
    }

    /** The subscription's tables, whatever their state. */
    List<TableName> subscribedTables(String subscription) throws SQLException {
        return subscriptionTables(subscription, "true");
    }

    private List<TableName> subscriptionTables(String subscription, String stateCondition) throws SQLException {
        List<TableName> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT n.nspname, c.relname FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid "
                        + "JOIN pg_class c ON c.oid = r.srrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE s.subname = ? AND " + stateCondition + " ORDER BY 1, 2")) {
            statement.setString(1, subscription);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    tables.add(new TableName(result.getString(1), result.getString(2)));
                }
            }
        }
        return tables;
    }

    /** The pid of the subscription's apply worker, if one runs. */
    Optional<Integer> workerPid(String subscription) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT st.pid FROM pg_stat_subscription st JOIN pg_subscription s ON s.oid = st.subid "
                        + "WHERE s.subname = ? AND st.relid IS NULL AND st.pid IS NOT NULL "
                        + "AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                        + "ORDER BY st.pid LIMIT 1")) {
            statement.setString(1, subscription);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(result.getInt(1)) : Optional.empty();
            }
        }
    }
}
