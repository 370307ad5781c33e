package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A remote region's publication ({@code replication.publication}, {@code miq} by default):
 * every table of the application schemas but the excluded ones. {@link #ensure()} is
 * idempotent; run it after every migration so that tables a migration added are published
 * before the global refreshes its subscription.
 */
public final class RemotePublication {

    /** Serializes concurrent {@code ensure()}s of one database (two CREATE PUBLICATIONs would collide). */
    private static final long ENSURE_LOCK = 0x6d75737465720001L;

    private final DatabaseConfig database;
    private final String publication;
    private final ExcludeList exclude;

    public RemotePublication(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.publication = replication.publication();
        this.exclude = ExcludeList.parse(replication.excludeTables());
    }

    /** Creates the publication, or sets its tables, so that it holds exactly the wanted tables. One transaction. */
    public PublicationChange ensure() {
        try (Connection connection = Jdbc.local(database)) {
            connection.setAutoCommit(false);
            try {
                PublicationChange change = ensureWithin(connection);
                connection.commit();
                return change;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Jdbc.failure(
                    "cannot bring publication " + publication + " of " + database.url()
                            + " in step with the application tables; nothing was changed",
                    e);
        }
    }

    /**
     * As {@link #ensure()}, in the transaction open on {@code connection}, which commits or
     * rolls back with whatever else it does: a migration's, so that the tables it creates are
     * published the moment it commits.
     */
    public PublicationChange ensureWithin(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, ENSURE_LOCK);
            lock.execute();
        }
        PublicationPlan plan = plan(connection);
        refuseTablesWithoutReplicaIdentity(connection, plan.added());
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(plan)) {
                statement.execute(sql);
            }
        }
        return new PublicationChange(
                publication, !plan.exists(), plan.added(), plan.removed(), List.copyOf(plan.wanted()));
    }

    /** What the publication holds and should hold; changes nothing. */
    public PublicationPlan plan() {
        try (Connection connection = Jdbc.local(database)) {
            return plan(connection);
        } catch (SQLException e) {
            throw Jdbc.failure("cannot read publication " + publication + " of " + database.url(), e);
        }
    }

    private PublicationPlan plan(Connection connection) throws SQLException {
        SortedSet<TableName> wanted = PublicationPlan.wanted(tables(connection, """
                SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND NOT c.relispartition
                """, null), exclude);
        Long oid = null;
        boolean allTables = false;
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT oid, puballtables FROM pg_publication WHERE pubname = ?")) {
            statement.setString(1, publication);
            try (ResultSet result = statement.executeQuery()) {
                if (result.next()) {
                    oid = result.getLong(1);
                    allTables = result.getBoolean(2);
                }
            }
        }
        if (oid == null) {
            return new PublicationPlan(publication, false, wanted, new TreeSet<>(), false);
        }
        if (allTables) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "publication " + publication + " of " + database.url()
                            + " is FOR ALL TABLES, so it would publish muster's own schema and Flyway's history too; "
                            + "drop it (DROP PUBLICATION " + Sql.identifier(publication)
                            + ") and run replication setup again");
        }
        SortedSet<TableName> current = new TreeSet<>(tables(connection, """
                SELECT n.nspname, c.relname FROM pg_publication_rel pr
                JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE pr.prpubid = ?
                """, oid));
        boolean hasSchemas = false;
        if (Jdbc.serverVersion(connection) >= 150000) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT EXISTS (SELECT 1 FROM pg_publication_namespace WHERE pnpubid = ?)")) {
                statement.setLong(1, oid);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    hasSchemas = result.getBoolean(1);
                }
            }
        }
        return new PublicationPlan(publication, true, wanted, current, hasSchemas);
    }

    private List<String> statements(PublicationPlan plan) {
        String name = Sql.identifier(publication);
        if (!plan.exists()) {
            return List.of(
                    plan.wanted().isEmpty()
                            ? "CREATE PUBLICATION " + name
                            : "CREATE PUBLICATION " + name + " FOR TABLE " + list(plan.wanted()));
        }
        if (plan.inStep()) {
            return List.of();
        }
        if (!plan.wanted().isEmpty()) {
            // SET replaces the whole list, whole-schema entries included
            return List.of("ALTER PUBLICATION " + name + " SET TABLE " + list(plan.wanted()));
        }
        // SET TABLE needs at least one table; an empty wanted list means dropping what is there
        return plan.current().isEmpty()
                ? List.of()
                : List.of("ALTER PUBLICATION " + name + " DROP TABLE " + list(plan.current()));
    }

    private static String list(Collection<TableName> tables) {
        return tables.stream().map(TableName::quoted).collect(Collectors.joining(", "));
    }

    /**
     * Once a table without a replica identity (no primary key, REPLICA IDENTITY DEFAULT or
     * NOTHING) is published, PostgreSQL refuses UPDATE and DELETE on it: publishing it would
     * break the application. Refuse instead, naming the tables and the ways out.
     */
    private void refuseTablesWithoutReplicaIdentity(Connection connection, Collection<TableName> adding)
            throws SQLException {
        List<TableName> without = new ArrayList<>();
        for (TableName table : tables(connection, """
                SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p')
                  AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS (
                       SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
                """, null)) {
            if (adding.contains(table)) {
                without.add(table);
            }
        }
        if (!without.isEmpty()) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "publication " + publication + " of " + database.url()
                            + " would take " + without
                            + ", which have no replica identity: once published, updates and "
                            + "deletes on them would fail. Give them a primary key (or REPLICA IDENTITY FULL), or list them "
                            + "in replication.exclude_tables. Nothing was changed");
        }
    }

    private static List<TableName> tables(Connection connection, String sql, Long parameter) throws SQLException {
        List<TableName> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setLong(1, parameter);
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    tables.add(new TableName(result.getString(1), result.getString(2)));
                }
            }
        }
        return tables;
    }
}
