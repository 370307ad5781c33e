package dev.muster.agent.replication;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A session on a remote region's database, opened by the global's agent with the
 * subscription's credentials: is it the region the configuration says, what does it
 * publish, which slot does it hold. It only reads.
 */
final class RemoteRegion implements AutoCloseable {

    /**
     * A replication slot on the remote; {@code active} while a walsender streams from it;
     * {@code invalidated}: why the server made it unusable, as {@code invalidation_reason}
     * says (PostgreSQL 17+; before, only {@code wal_removed} is told).
     */
    record Slot(String name, boolean active, Optional<String> invalidated) {}

    private final RemoteEndpoint endpoint;
    private final Connection connection;

    private RemoteRegion(RemoteEndpoint endpoint, Connection connection) {
        this.endpoint = endpoint;
        this.connection = connection;
    }

    static RemoteRegion connect(RemoteEndpoint endpoint) {
        return new RemoteRegion(endpoint, Jdbc.remote(endpoint));
    }

    Connection connection() {
        return connection;
    }

    RemoteEndpoint endpoint() {
        return endpoint;
    }

    /** Refuses a database that {@code init} has not claimed for the configured region. */
    void requireRegion() {
        List<Integer> regions = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet result = statement.executeQuery("SELECT to_regclass('muster.region') IS NOT NULL")) {
                result.next();
                if (result.getBoolean(1)) {
                    try (ResultSet rows = statement.executeQuery("SELECT DISTINCT region FROM muster.region")) {
                        while (rows.next()) {
                            regions.add(rows.getInt(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read the region number (muster.region) of " + endpoint.describe(), e);
        }
        if (regions.isEmpty()) {
            throw new MusterException(
                    ExitCode.FAILED,
                    endpoint.describe() + " records no region number "
                            + "(muster.region): run 'muster-agent init --region " + endpoint.region()
                            + "' there first");
        }
        if (regions.size() > 1 || regions.get(0) != endpoint.region()) {
            throw new MusterException(
                    ExitCode.CONFIG,
                    "replication.subscriptions names " + endpoint.describe()
                            + ", but that database belongs to region "
                            + (regions.size() == 1 ? regions.get(0) : regions)
                            + "; fix the subscription's region, or its host, port and dbname");
        }
    }

    /** The tables a subscription to {@code publication} would receive; refuses a missing publication. */
    List<TableName> publicationTables(String publication) {
        try {
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)")) {
                statement.setString(1, publication);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    if (!result.getBoolean(1)) {
                        throw new MusterException(
                                ExitCode.FAILED,
                                endpoint.describe() + " has no publication "
                                        + publication + ": run 'muster-agent replication setup' with region "
                                        + endpoint.region() + "'s own configuration first; it creates the publication");
                    }
                }
            }
            List<TableName> tables = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2")) {
                statement.setString(1, publication);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        tables.add(new TableName(result.getString(1), result.getString(2)));
                    }
                }
            }
            return tables;
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read publication " + publication + " of " + endpoint.describe(), e);
        }
    }

    Optional<Slot> slot(String name) {
        try {
            int version = Jdbc.serverVersion(connection);
            String invalidated = version >= 170000
                    ? "invalidation_reason"
                    : version >= 130000 ? "CASE WHEN wal_status = 'lost' THEN 'wal_removed' END" : "NULL";
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT active, " + invalidated + " FROM pg_replication_slots WHERE slot_name = ?")) {
                statement.setString(1, name);
                try (ResultSet result = statement.executeQuery()) {
                    return result.next()
                            ? Optional.of(
                                    new Slot(name, result.getBoolean(1), Optional.ofNullable(result.getString(2))))
                            : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read the replication slots of " + endpoint.describe(), e);
        }
    }

    /**
     * Where the remote's WAL ends now: its insert position, which covers every transaction
     * committed so far, also those with {@code synchronous_commit = off} not yet written.
     */
    String currentWalLsn() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            result.next();
            return result.getString(1);
        }
    }

    /** Whether the slot's subscriber has confirmed everything up to {@code lsn}; empty if there is no such slot. */
    Optional<Boolean> confirmed(String slot, String lsn) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT coalesce(confirmed_flush_lsn >= ?::pg_lsn, false) FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, lsn);
            statement.setString(2, slot);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(result.getBoolean(1)) : Optional.empty();
            }
        }
    }

    /** Whether {@code table} has the integer id column that tells this region's rows apart. */
    boolean hasId(TableName table) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_attribute a "
                + "WHERE a.attrelid = to_regclass(?) AND " + Sql.IS_INTEGER_ID + ")")) {
            statement.setString(1, table.quoted());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read the columns of " + table + " of " + endpoint.describe(), e);
        }
    }

    /** Rows of this region's id range in {@code table}, and how many lie outside it. */
    RowDigest.RegionRows digest(TableName table) throws SQLException {
        return RowDigest.readRegion(connection, table, endpoint.ids());
    }

    void prepareDigests() throws SQLException {
        RowDigest.prepareSession(connection);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // the session only read; nothing to undo
        }
    }
}
