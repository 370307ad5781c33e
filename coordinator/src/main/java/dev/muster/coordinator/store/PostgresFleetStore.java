package dev.muster.coordinator.store;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.db.JdbcLogin;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.ForcedRelease;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Pause;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.Waiting;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The fleet's durable state in PostgreSQL, schema {@code muster} (its own Flyway history,
 * {@code muster.coordinator_schema_history}). Writes are diffs against what was last
 * stored, each in one transaction with the events that caused it. Not thread-safe: one
 * writer at a time (the {@link StoreWriter}); {@link #recentEvents} opens its own connection.
 */
public final class PostgresFleetStore implements FleetStore {

    static final String SCHEMA = "muster";
    /** Rows sent at once: a fleet's first save may hold millions, which the driver would otherwise buffer whole. */
    private static final int BATCH_ROWS = 20_000;

    private final DatabaseConfig database;
    private Connection connection;

    private PostgresFleetStore(DatabaseConfig database) {
        this.database = database;
    }

    /** Connects, and creates or upgrades the schema. */
    public static PostgresFleetStore open(DatabaseConfig database) {
        PostgresFleetStore store = new PostgresFleetStore(database);
        try {
            Flyway.configure()
                    .dataSource(
                            database.url(),
                            database.user(),
                            database.password().map(s -> s.reveal()).orElse(null))
                    .schemas(SCHEMA)
                    .table("coordinator_schema_history")
                    .locations("classpath:dev/muster/coordinator/store/migration")
                    // the schema may hold the agent's own objects already (muster.region)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new MusterException(
                    ExitCode.UNAVAILABLE,
                    "cannot prepare the coordinator's state in schema " + SCHEMA + " of " + database.url() + " as "
                            + database.user() + ": " + rootMessage(e),
                    e);
        }
        return store;
    }

    @Override
    public Optional<Fleet> load() {
        try {
            Connection db = connection();
            Optional<Pause> pause;
            try (Statement statement = db.createStatement();
                    ResultSet settings = statement.executeQuery(
                            "SELECT paused_reason, paused_by, paused_at FROM muster.fleet_settings")) {
                if (!settings.next()) {
                    return Optional.empty();
                }
                pause = settings.getString(1) == null
                        ? Optional.empty()
                        : Optional.of(new Pause(
                                settings.getString(1), settings.getString(2), instant(settings.getTimestamp(3))));
            }
            List<Integer> members = new ArrayList<>();
            try (Statement statement = db.createStatement();
                    ResultSet result =
                            statement.executeQuery("SELECT region FROM muster.fleet_member ORDER BY region")) {
                while (result.next()) {
                    members.add(result.getInt(1));
                }
            }
            Map<String, ForcedRelease> forced = new TreeMap<>();
            try (Statement statement = db.createStatement();
                    ResultSet result = statement.executeQuery(
                            "SELECT version, reason, forced_by, forced_at FROM muster.fleet_forced_release")) {
                while (result.next()) {
                    forced.put(
                            result.getString(1),
                            new ForcedRelease(
                                    result.getString(1),
                                    result.getString(2),
                                    result.getString(3),
                                    instant(result.getTimestamp(4))));
                }
            }
            Map<Integer, RegionState> regions = loadRegions(db);
            db.commit();
            return Optional.of(new Fleet(new TreeSet<>(members), regions, pause, forced));
        } catch (SQLException e) {
            throw failure("cannot read the coordinator's state", e);
        }
    }

    private static Map<Integer, RegionState> loadRegions(Connection db) throws SQLException {
        Map<Integer, Map<String, Migration>> applied = migrations(db, "applied_position");
        Map<Integer, Map<String, Migration>> available = migrations(db, "available_position");
        Map<Integer, RegionState> regions = new TreeMap<>();
        try (Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery("""
                     SELECT region, role, last_seen, waiting_version, waiting_on, waiting_held, waiting_since
                     FROM muster.fleet_region""")) {
            while (result.next()) {
                int region = result.getInt(1);
                Optional<Waiting> waiting = Optional.empty();
                if (result.getString(4) != null) {
                    Array on = result.getArray(5);
                    List<Integer> regionsWaitedOn = on == null ? List.of() : Arrays.asList((Integer[]) on.getArray());
                    waiting = Optional.of(new Waiting(
                            result.getString(4),
                            regionsWaitedOn,
                            Optional.ofNullable(result.getString(6)),
                            instant(result.getTimestamp(7))));
                }
                Optional<Instant> lastSeen =
                        Optional.ofNullable(result.getTimestamp(3)).map(Timestamp::toInstant);
                // its files were read no later than an agent last spoke for it
                regions.put(
                        region,
                        new RegionState(
                                region,
                                Role.valueOf(result.getString(2)),
                                applied.getOrDefault(region, Map.of()),
                                available.getOrDefault(region, Map.of()),
                                List.of(),
                                Optional.empty(),
                                waiting,
                                lastSeen,
                                lastSeen));
            }
        }
        return regions;
    }

    /** Each region's migrations that have a {@code position} column, in its order. */
    private static Map<Integer, Map<String, Migration>> migrations(Connection db, String position) throws SQLException {
        Map<Integer, Map<String, Migration>> byRegion = new HashMap<>();
        try (Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery("SELECT region, version, description, checksum "
                        + "FROM muster.fleet_region_migration WHERE " + position + " IS NOT NULL "
                        + "ORDER BY region, " + position)) {
            while (result.next()) {
                int checksum = result.getInt(4);
                OptionalInt maybeChecksum = result.wasNull() ? OptionalInt.empty() : OptionalInt.of(checksum);
                Migration migration = new Migration(result.getString(2), result.getString(3), maybeChecksum);
                byRegion.computeIfAbsent(result.getInt(1), region -> new LinkedHashMap<>())
                        .put(migration.version(), migration);
            }
        }
        return byRegion;
    }

    @Override
    public void save(Optional<Fleet> stored, Fleet fleet, List<FleetEvent> events, Instant now) {
        try {
            Connection db = connection();
            try {
                saveSettings(db, stored, fleet, now);
                saveMembers(db, stored.map(Fleet::members).orElse(new TreeSet<>()), fleet);
                saveForced(db, stored.map(Fleet::forced).orElse(Map.of()), fleet);
                saveRegions(db, stored.orElse(Fleet.withMembers(List.of())), fleet);
                appendEvents(db, events);
                db.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(db);
                throw e;
            }
        } catch (SQLException e) {
            closeConnection();
            throw failure("cannot store the fleet's state", e);
        }
    }

    private static void saveSettings(Connection db, Optional<Fleet> stored, Fleet fleet, Instant now)
            throws SQLException {
        if (stored.isPresent() && stored.get().pause().equals(fleet.pause())) {
            return;
        }
        try (PreparedStatement upsert = db.prepareStatement("""
                INSERT INTO muster.fleet_settings (seeded_at, paused_reason, paused_by, paused_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE
                SET paused_reason = excluded.paused_reason, paused_by = excluded.paused_by,
                    paused_at = excluded.paused_at""")) {
            upsert.setTimestamp(1, Timestamp.from(now));
            Optional<Pause> pause = fleet.pause();
            upsert.setString(2, pause.map(Pause::reason).orElse(null));
            upsert.setString(3, pause.map(Pause::by).orElse(null));
            upsert.setTimestamp(4, pause.map(p -> Timestamp.from(p.at())).orElse(null));
            upsert.executeUpdate();
        }
    }

    private static void saveMembers(Connection db, SortedSet<Integer> before, Fleet fleet) throws SQLException {
        if (before.equals(fleet.members())) {
            return;
        }
        try (PreparedStatement add = db.prepareStatement(
                        "INSERT INTO muster.fleet_member (region) VALUES (?) ON CONFLICT DO NOTHING");
                PreparedStatement remove = db.prepareStatement("DELETE FROM muster.fleet_member WHERE region = ?")) {
            for (int member : fleet.members()) {
                if (!before.contains(member)) {
                    add.setInt(1, member);
                    add.executeUpdate();
                }
            }
            for (int member : before) {
                if (!fleet.members().contains(member)) {
                    remove.setInt(1, member);
                    remove.executeUpdate();
                }
            }
        }
    }

    private static void saveForced(Connection db, Map<String, ForcedRelease> before, Fleet fleet) throws SQLException {
        try (PreparedStatement upsert = db.prepareStatement("""
                INSERT INTO muster.fleet_forced_release (version, reason, forced_by, forced_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (version) DO UPDATE
                SET reason = excluded.reason, forced_by = excluded.forced_by, forced_at = excluded.forced_at""")) {
            for (ForcedRelease release : fleet.forced().values()) {
                if (!release.equals(before.get(release.version()))) {
                    upsert.setString(1, release.version());
                    upsert.setString(2, release.reason());
                    upsert.setString(3, release.by());
                    upsert.setTimestamp(4, Timestamp.from(release.at()));
                    upsert.executeUpdate();
                }
            }
        }
    }

    /**
     * Writes only the regions whose state changed: an unchanged region's state is the same
     * object as when it was stored, and an unchanged history the same shared instance, so
     * that a save costs what changed, and all of it goes in a few batched statements.
     */
    private static void saveRegions(Connection db, Fleet before, Fleet now) throws SQLException {
        List<RegionState[]> changed = new ArrayList<>();
        now.regionChanges(before, (was, is) -> changed.add(new RegionState[] {was, is}));
        try (PreparedStatement upsert = db.prepareStatement(UPSERT_REGION);
                PreparedStatement delete = db.prepareStatement("DELETE FROM muster.fleet_region WHERE region = ?");
                MigrationRow.Writer rows = new MigrationRow.Writer(db)) {
            int pending = 0;
            for (RegionState[] change : changed) {
                RegionState old = change[0];
                RegionState state = change[1];
                if (state == null) {
                    delete.setInt(1, old.region());
                    delete.addBatch();
                    continue;
                }
                if (old == null || !sameDurableRegion(old, state)) {
                    addRegion(db, upsert, state);
                }
                // a history that did not change is the same shared instance
                if (old == null || old.applied() != state.applied() || old.available() != state.available()) {
                    Map<String, MigrationRow> oldRows = old == null ? Map.of() : MigrationRow.of(old);
                    pending += rows.add(state.region(), oldRows, MigrationRow.of(state));
                }
                if (pending >= BATCH_ROWS) {
                    upsert.executeBatch();
                    rows.execute();
                    pending = 0;
                }
            }
            // the regions first: their migrations refer to them
            upsert.executeBatch();
            rows.execute();
            delete.executeBatch();
        }
    }

    private static boolean sameDurableRegion(RegionState a, RegionState b) {
        return a.role() == b.role()
                && a.lastSeen().equals(b.lastSeen())
                && a.waiting().equals(b.waiting());
    }

    private static final String UPSERT_REGION = """
            INSERT INTO muster.fleet_region
                (region, role, last_seen, waiting_version, waiting_on, waiting_held, waiting_since)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (region) DO UPDATE
            SET role = excluded.role, last_seen = excluded.last_seen, waiting_version = excluded.waiting_version,
                waiting_on = excluded.waiting_on, waiting_held = excluded.waiting_held,
                waiting_since = excluded.waiting_since""";

    private static void addRegion(Connection db, PreparedStatement upsert, RegionState state) throws SQLException {
        upsert.setInt(1, state.region());
        upsert.setString(2, state.role().name());
        upsert.setTimestamp(3, state.lastSeen().map(Timestamp::from).orElse(null));
        Optional<Waiting> waiting = state.waiting();
        upsert.setString(4, waiting.map(Waiting::version).orElse(null));
        if (waiting.isPresent()) {
            upsert.setArray(
                    5, db.createArrayOf("integer", waiting.get().regions().toArray()));
        } else {
            upsert.setNull(5, Types.ARRAY);
        }
        upsert.setString(6, waiting.flatMap(Waiting::held).orElse(null));
        upsert.setTimestamp(7, waiting.map(w -> Timestamp.from(w.since())).orElse(null));
        upsert.addBatch();
    }

    private static void appendEvents(Connection db, List<FleetEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO muster.fleet_event (at, region, kind, actor, detail) VALUES (?, ?, ?, ?, ?)")) {
            for (FleetEvent event : events) {
                insert.setTimestamp(1, Timestamp.from(event.at()));
                if (event.region().isPresent()) {
                    insert.setInt(2, event.region().getAsInt());
                } else {
                    insert.setNull(2, Types.INTEGER);
                }
                insert.setString(3, event.kind().name());
                insert.setString(4, event.actor());
                insert.setString(5, event.detail());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public List<FleetEvent> recentEvents(int limit) {
        try (Connection db = DriverManager.getConnection(database.url(), login())) {
            try (PreparedStatement query = db.prepareStatement("""
                    SELECT at, region, kind, actor, detail FROM (
                        SELECT id, at, region, kind, actor, detail FROM muster.fleet_event ORDER BY id DESC LIMIT ?) newest
                    ORDER BY id""")) {
                query.setInt(1, limit);
                try (ResultSet result = query.executeQuery()) {
                    List<FleetEvent> events = new ArrayList<>();
                    while (result.next()) {
                        int region = result.getInt(2);
                        OptionalInt maybeRegion = result.wasNull() ? OptionalInt.empty() : OptionalInt.of(region);
                        events.add(new FleetEvent(
                                instant(result.getTimestamp(1)),
                                maybeRegion,
                                EventKind.valueOf(result.getString(3)),
                                result.getString(4),
                                result.getString(5)));
                    }
                    return events;
                }
            }
        } catch (SQLException e) {
            throw failure("cannot read the fleet's event log", e);
        }
    }

    @Override
    public void close() {
        closeConnection();
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(database.url(), login());
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private Properties login() {
        Properties login = JdbcLogin.properties(database.user(), database.password(), "muster-coordinator");
        // a batch of rows goes as multi-row INSERTs rather than one statement each
        login.setProperty("reWriteBatchedInserts", "true");
        return login;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being thrown away
            }
            connection = null;
        }
    }

    private static void rollback(Connection db) {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; it is replaced on the next write
        }
    }

    private MusterException failure(String what, SQLException e) {
        return new MusterException(
                ExitCode.UNAVAILABLE,
                what + " in " + database.url() + " as " + database.user() + ": " + e.getMessage(),
                e);
    }

    private static Instant instant(Timestamp timestamp) {
        return Objects.requireNonNull(timestamp, "timestamp").toInstant();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage() : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
