package dev.muster.agent.replication;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.time.Deadline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The global region's own database: its subscriptions and its copies of the remotes' tables. */
final class GlobalDatabase implements AutoCloseable {

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

    /** What {@code teardown --mode disable} writes on the subscription, so that no one mistakes its intent. */
    static final String TORN_DOWN = "muster: torn down by 'replication teardown --mode disable'";

    /** The advisory lock that {@link #changingSubscriptions} holds: "muster" and 2. */
    private static final long SUBSCRIPTIONS_LOCK = 0x6d75737465720002L;

    private static final Duration LOCK_POLL = Duration.ofMillis(200);
    /** Setup waits on the remotes' slot creation, which waits on their open transactions: minutes at worst. */
    private static final Duration LOCK_PATIENCE = Duration.ofMinutes(5);

    /** The global's tables, and whether each has the integer {@code id} column that tells regions' rows apart. */
    record Tables(Map<TableName, Boolean> hasId) {

        boolean contains(TableName table) {
            return hasId.containsKey(table);
        }

        boolean hasId(TableName table) {
            return hasId.getOrDefault(table, false);
        }
    }

    private final DatabaseConfig database;
    private final Connection connection;

    private GlobalDatabase(DatabaseConfig database, Connection connection) {
        this.database = database;
        this.connection = connection;
    }

    static GlobalDatabase connect(DatabaseConfig database) {
        return new GlobalDatabase(database, Jdbc.local(database));
    }

    /**
     * Connects, and holds the global's lock on its subscriptions until closed: setup,
     * teardown and the reconciling of a global that migrated run one at a time, so that
     * none acts on what it read before another changed it (a reconcile that read a
     * subscription just before an operator tore it down would enable it again).
     *
     * @throws MusterException if another holds the lock longer than {@link #LOCK_PATIENCE}
     */
    static GlobalDatabase changingSubscriptions(DatabaseConfig database) {
        GlobalDatabase global = connect(database);
        try {
            global.lockSubscriptions(LOCK_PATIENCE);
            return global;
        } catch (RuntimeException e) {
            global.close();
            throw e;
        }
    }

    private void lockSubscriptions(Duration patience) {
        Deadline deadline = Deadline.after(patience);
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, SUBSCRIPTIONS_LOCK);
            boolean locked = deadline.await(
                    () -> {
                        try (ResultSet result = lock.executeQuery()) {
                            result.next();
                            return result.getBoolean(1);
                        }
                    },
                    LOCK_POLL);
            if (!locked) {
                throw new MusterException(
                        ExitCode.UNAVAILABLE,
                        "another muster-agent (replication setup or "
                                + "teardown, or the global's migrate) has been changing the subscriptions of "
                                + describe()
                                + " for over " + patience.toSeconds() + " s"
                                + holder().map(pid -> " (server process " + pid + ")")
                                        .orElse("") + ", so these were left as they were");
            }
        } catch (SQLException e) {
            throw new MusterException(
                    ExitCode.UNAVAILABLE, "cannot lock the subscriptions of " + describe() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MusterException(
                    ExitCode.FAILED,
                    "interrupted while waiting to change the subscriptions of " + describe()
                            + ", which were left as they were",
                    e);
        }
    }

    /** The server process of the session that holds the subscriptions' lock, if the server tells. */
    private Optional<Integer> holder() {
        // a bigint key is split into classid (high half) and objid (low half), objsubid 1
        try (PreparedStatement statement = connection.prepareStatement("SELECT pid FROM pg_locks "
                + "WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "AND ((classid::bigint << 32) | objid::bigint) = ? LIMIT 1")) {
            statement.setLong(1, SUBSCRIPTIONS_LOCK);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(result.getInt(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    String describe() {
        return "the global's database " + database.url();
    }

    Connection connection() {
        return connection;
    }

    int serverVersion() throws SQLException {
        return Jdbc.serverVersion(connection);
    }

    Optional<Subscription> subscription(String name) throws SQLException {
        String failedToApply = serverVersion() >= 150000
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

    /** Deletes a region's rows from the given tables, all or none; returns how many rows went. */
    long deleteRange(Collection<TableName> tables, IdRange ids) throws SQLException {
        connection.setAutoCommit(false);
        try {
            long deleted = 0;
            // As the apply worker does: foreign keys and triggers of the global's copies do not
            // fire, so the order of the tables does not matter and no cascade reaches the global's
            // own rows. Only a superuser may; others delete with them on.
            Savepoint beforeRole = connection.setSavepoint();
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL session_replication_role = replica");
            } catch (SQLException notPermitted) {
                connection.rollback(beforeRole);
                refuseCascades(tables);
            }
            for (TableName table : tables) {
                try (PreparedStatement statement =
                        connection.prepareStatement("DELETE FROM " + table.quoted() + " WHERE id BETWEEN ? AND ?")) {
                    statement.setLong(1, ids.first());
                    statement.setLong(2, ids.last());
                    deleted += statement.executeLargeUpdate();
                }
            }
            connection.commit();
            return deleted;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * With foreign keys on, a key that cascades (or sets null or a default) on delete would
     * carry the removal of a region's rows into other rows, maybe the global's own, which no
     * copy brings back. A key that restricts fails the delete by itself, which undoes it all.
     */
    private void refuseCascades(Collection<TableName> tables) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT con.conname, con.conrelid::regclass::text, con.confrelid::regclass::text FROM pg_constraint con "
                        + "WHERE con.contype = 'f' AND con.confdeltype IN ('c', 'n', 'd') "
                        + "AND con.confrelid IN (SELECT to_regclass(t) FROM unnest(?::text[]) AS t)")) {
            statement.setArray(
                    1,
                    connection.createArrayOf(
                            "text", tables.stream().map(TableName::quoted).toArray(String[]::new)));
            try (ResultSet result = statement.executeQuery()) {
                if (result.next()) {
                    throw new SQLException("the role " + database.user() + " may not turn foreign keys off "
                            + "(session_replication_role needs a superuser), and foreign key " + result.getString(1)
                            + " of " + result.getString(2) + " would carry the removal from " + result.getString(3)
                            + " into other rows; run this as a superuser");
                }
            }
        }
    }

    /** Marks the subscription torn down by an operator, or (with {@code false}) clears the mark. */
    void markTornDown(String subscription, boolean tornDown) throws SQLException {
        executeAlone("COMMENT ON SUBSCRIPTION " + Sql.identifier(subscription) + " IS "
                + (tornDown ? Sql.literal(TORN_DOWN) : "NULL"));
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

    void executeAlone(String sql) throws SQLException {
        Jdbc.executeAlone(connection, sql);
    }

    /**
     * Runs a statement that holds a secret (a connection string with a password) so that
     * the server keeps its text out of its log, pg_stat_activity and pg_stat_statements,
     * as far as this role may ask it to.
     */
    void executeUnlogged(String sql) throws SQLException {
        connection.setAutoCommit(true);
        List<String> quiet = List.of(
                "log_statement = 'none'",
                "log_min_error_statement = 'panic'",
                "log_min_duration_statement = -1",
                "track_activities = off",
                "pg_stat_statements.track_utility = off");
        List<String> changed = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (String setting : quiet) {
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

    RowDigest digest(TableName table, IdRange ids) throws SQLException {
        return RowDigest.read(connection, table, ids);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // every change was committed or rolled back before; nothing is left open
        }
    }
}
