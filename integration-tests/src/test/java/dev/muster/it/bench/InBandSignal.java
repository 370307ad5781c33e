package dev.muster.it.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * ManageIQ's in-band release signal, the anchor muster is measured against. Each remote
 * records every migration it runs, in the migration's own transaction, in a table that
 * logical replication carries to the global (ManageIQ keeps the list in
 * {@code miq_regions.migrations_ran}). The global polls its copy once a second and, before
 * each pause, disables and enables the subscription of every remote it still waits for, as
 * ManageIQ's {@code RemoteRegionMigrationWatcher} does.
 */
public final class InBandSignal implements AutoCloseable {

    public static final String SCHEMA = "inband_signal";
    public static final Duration POLL = Duration.ofSeconds(1);

    private static final String TABLE = SCHEMA + ".migrations_ran";
    private static final String PUBLICATION = "inband_signal";
    private static final Duration SUBSCRIPTION_START = Duration.ofSeconds(30);

    private final BenchmarkServers servers;

    private InBandSignal(BenchmarkServers servers) {
        this.servers = servers;
    }

    /**
     * The table on every region, a publication of it on each remote and a subscription to each
     * on the global, running when this returns. Nothing is copied: the table starts empty.
     */
    public static InBandSignal setUp(BenchmarkServers servers) throws SQLException, InterruptedException {
        InBandSignal signal = new InBandSignal(servers);
        for (int region : servers.regions()) {
            execute(
                    servers.dataSource(region),
                    "CREATE SCHEMA " + SCHEMA,
                    "CREATE TABLE " + TABLE + " (region integer, version text, PRIMARY KEY (region, version))");
        }
        for (int remote : BenchmarkServers.REMOTES) {
            execute(servers.dataSource(remote), "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
        }
        try {
            for (int remote : BenchmarkServers.REMOTES) {
                execute(
                        servers.dataSource(BenchmarkServers.GLOBAL),
                        "CREATE SUBSCRIPTION " + subscription(remote) + " CONNECTION '"
                                + servers.connectionString(remote).replace("'", "''") + "' PUBLICATION "
                                + PUBLICATION + " WITH (copy_data = false)");
            }
            signal.awaitWorkers();
        } catch (SQLException | RuntimeException e) {
            signal.close();
            throw e;
        }
        return signal;
    }

    /** What a remote's Flyway runs after each migration, inside its transaction: the row that tells the global. */
    public Callback recorder(int region) {
        return new BaseCallback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.AFTER_EACH_MIGRATE;
            }

            @Override
            public void handle(Event event, Context context) {
                try (PreparedStatement insert = context.getConnection()
                        .prepareStatement("INSERT INTO " + TABLE + " (region, version) VALUES (?, ?)")) {
                    insert.setInt(1, region);
                    insert.setString(2, context.getMigrationInfo().getVersion().getVersion());
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("region " + region + " could not record its migration", e);
                }
            }
        };
    }

    /**
     * On the global: returns once every remote's row for {@code version} has arrived. While
     * some are missing it tells {@code waitingOn} of each such remote once, then restarts their
     * subscriptions and sleeps {@link #POLL} before it looks again.
     */
    public void await(String version, IntConsumer waitingOn) throws SQLException, InterruptedException {
        DataSource global = servers.dataSource(BenchmarkServers.GLOBAL);
        Set<Integer> told = new HashSet<>();
        try (Connection connection = global.getConnection()) {
            List<Integer> missing = missing(connection, version);
            while (!missing.isEmpty()) {
                for (int remote : missing) {
                    if (told.add(remote)) {
                        waitingOn.accept(remote);
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    for (int remote : missing) {
                        statement.execute("ALTER SUBSCRIPTION " + subscription(remote) + " DISABLE");
                        statement.execute("ALTER SUBSCRIPTION " + subscription(remote) + " ENABLE");
                    }
                }
                Thread.sleep(POLL.toMillis());
                missing = missing(connection, version);
            }
        }
    }

    private static List<Integer> missing(Connection connection, String version) throws SQLException {
        List<Integer> missing = new ArrayList<>(BenchmarkServers.REMOTES);
        try (PreparedStatement select =
                connection.prepareStatement("SELECT region FROM " + TABLE + " WHERE version = ?")) {
            select.setString(1, version);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    missing.remove(Integer.valueOf(rows.getInt(1)));
                }
            }
        }
        return missing;
    }

    private void awaitWorkers() throws SQLException {
        try (Connection connection = servers.dataSource(BenchmarkServers.GLOBAL).getConnection();
                Statement statement = connection.createStatement()) {
            Awaitility.await("the global's in-band subscriptions started")
                    .atMost(SUBSCRIPTION_START)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        try (ResultSet running =
                                statement.executeQuery("SELECT count(DISTINCT subid) FROM pg_stat_subscription"
                                        + " WHERE subname LIKE 'inband\\_region\\_%' AND pid IS NOT NULL"
                                        + " AND relid IS NULL")) {
                            running.next();
                            return running.getInt(1) == BenchmarkServers.REMOTES.size();
                        }
                    });
        }
    }

    private static String subscription(int remote) {
        return "inband_region_" + remote;
    }

    private static void execute(DataSource database, String... statements) throws SQLException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Drops the subscriptions, and with them the remotes' slots, which would otherwise keep WAL without end. */
    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (int remote : BenchmarkServers.REMOTES) {
            try {
                execute(
                        servers.dataSource(BenchmarkServers.GLOBAL),
                        "DROP SUBSCRIPTION IF EXISTS " + subscription(remote));
                execute(servers.dataSource(remote), "DROP PUBLICATION IF EXISTS " + PUBLICATION);
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
