package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** {@code replication status}: what this region's server says about replication. Reads only. */
public final class ReplicationStatus {

    /** The leader apply worker of each subscription: table-sync workers have a relid, parallel apply ones no LSNs. */
    private static final String SUBSCRIPTIONS = """
            SELECT s.subname, s.subenabled, w.pid, w.received_lsn::text, w.latest_end_lsn::text,
                   w.last_msg_receipt_time,
                   (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate <> 'r'),
                   %s
            FROM pg_subscription s
            LEFT JOIN LATERAL (
                SELECT st.pid, st.received_lsn, st.latest_end_lsn, st.last_msg_receipt_time
                FROM pg_stat_subscription st WHERE st.subid = s.oid AND st.relid IS NULL
                ORDER BY st.received_lsn IS NULL, st.pid LIMIT 1) w ON true
            %s
            WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY s.subname
            """;

    private static final String SLOTS = """
            SELECT s.slot_name, s.slot_type, s.database, s.active,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint, %s,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint,
                   (SELECT CASE WHEN r.state IS NULL THEN NULL
                                ELSE extract(epoch FROM coalesce(r.replay_lag, interval '0'))::float8 END
                    FROM pg_stat_replication r WHERE r.pid = s.active_pid)
            FROM pg_replication_slots s ORDER BY s.slot_name
            """;

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public ReplicationStatus(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    /** On the global: every configured subscription, and any other one the database has. */
    public List<SubscriptionStatus> subscriptions() {
        Map<String, SubscriptionStatus> byName = new LinkedHashMap<>();
        for (SubscriptionConfig subscription : replication.subscriptions()) {
            byName.put(SubscriptionName.of(subscription.region()), SubscriptionStatus.absent(subscription.region()));
        }
        try (Connection connection = Jdbc.local(database)) {
            boolean stats = Jdbc.serverVersion(connection) >= 150000;
            String sql = SUBSCRIPTIONS.formatted(
                    stats ? "ss.apply_error_count" : "NULL::bigint",
                    stats ? "LEFT JOIN pg_stat_subscription_stats ss ON ss.subid = s.oid" : "");
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery(sql)) {
                while (result.next()) {
                    String name = result.getString(1);
                    int pid = result.getInt(3);
                    OptionalInt workerPid = result.wasNull() ? OptionalInt.empty() : OptionalInt.of(pid);
                    Timestamp lastMessage = result.getTimestamp(6);
                    long errors = result.getLong(8);
                    OptionalLong applyErrors = result.wasNull() ? OptionalLong.empty() : OptionalLong.of(errors);
                    byName.put(
                            name,
                            new SubscriptionStatus(
                                    name,
                                    SubscriptionName.region(name),
                                    byName.containsKey(name),
                                    true,
                                    result.getBoolean(2),
                                    workerPid,
                                    Optional.ofNullable(result.getString(4)),
                                    Optional.ofNullable(result.getString(5)),
                                    Optional.ofNullable(lastMessage).map(Timestamp::toInstant),
                                    applyErrors,
                                    result.getLong(7)));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read the subscriptions of " + database.url(), e);
        }
        return List.copyOf(byName.values());
    }

    /** On a remote: the publication, compared with what it should hold, and every replication slot. */
    public RemoteStatus remote() {
        PublicationPlan publication = new RemotePublication(database, replication).plan();
        List<SlotStatus> slots = new ArrayList<>();
        try (Connection connection = Jdbc.local(database)) {
            boolean walStatus = Jdbc.serverVersion(connection) >= 130000;
            String sql = SLOTS.formatted(walStatus ? "s.wal_status, s.safe_wal_size" : "NULL::text, NULL::bigint");
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery(sql)) {
                while (result.next()) {
                    long retained = result.getLong(5);
                    OptionalLong retainedBytes = result.wasNull() ? OptionalLong.empty() : OptionalLong.of(retained);
                    long safe = result.getLong(7);
                    OptionalLong safeWalSize = result.wasNull() ? OptionalLong.empty() : OptionalLong.of(safe);
                    long unconfirmed = result.getLong(8);
                    OptionalLong lagBytes = result.wasNull() ? OptionalLong.empty() : OptionalLong.of(unconfirmed);
                    double seconds = result.getDouble(9);
                    Optional<Duration> lag = result.wasNull()
                            ? Optional.empty()
                            : Optional.of(Duration.ofNanos(Math.round(seconds * 1e9)));
                    slots.add(new SlotStatus(
                            result.getString(1),
                            result.getString(2),
                            Optional.ofNullable(result.getString(3)),
                            result.getBoolean(4),
                            retainedBytes,
                            Optional.ofNullable(result.getString(6)),
                            safeWalSize,
                            lagBytes,
                            lag));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read the replication slots of " + database.url(), e);
        }
        return new RemoteStatus(publication, slots);
    }
}
