package dev.muster.agent.region;

import dev.muster.agent.db.Connections;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.region.RegionNumber;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A database's region number and its id range. {@code init} records the region in
 * {@code muster.region} and moves every sequence of the application schemas into
 * {@code N × 10^12 … (N+1) × 10^12 − 1}, so that any row's id tells which region created
 * it; an event trigger moves the sequences that later migrations create, the moment they
 * are created. All of it happens in one transaction: a refusal changes nothing.
 */
public final class RegionIds {

    /** Serializes concurrent {@code init}s of one database. */
    private static final long INIT_LOCK = 0x6d7573746572L;

    private static final String APPLICATION_SEQUENCES = """
            SELECT format('%I.%I', schemaname, sequencename), data_type::text, min_value, max_value, last_value
            FROM pg_sequences
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'muster')
              AND schemaname NOT LIKE 'pg\\_toast%' AND schemaname NOT LIKE 'pg\\_temp%'
            ORDER BY 1
            """;

    private static final String EVENT_TRIGGER = """
            CREATE OR REPLACE FUNCTION muster.align_new_sequences() RETURNS event_trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
              created record;
              first_id bigint;
            BEGIN
              SELECT region::bigint * 1000000000000 INTO first_id FROM muster.region;
              IF first_id IS NULL THEN
                RETURN;
              END IF;
              FOR created IN
                SELECT c.object_identity, s.data_type::text AS data_type
                FROM pg_event_trigger_ddl_commands() c
                JOIN pg_sequences s ON format('%I.%I', s.schemaname, s.sequencename) = c.object_identity
                -- only sequences created by this command: an ALTER TABLE that alters an identity
                -- column's sequence must not restart a sequence that is in use
                WHERE c.object_type = 'sequence' AND c.command_tag = 'CREATE SEQUENCE'
                  AND c.schema_name <> 'muster' AND s.last_value IS NULL
              LOOP
                IF created.data_type <> 'bigint' THEN
                  RAISE WARNING 'muster: sequence % is %, too small for region ids; it keeps its range',
                    created.object_identity, created.data_type;
                  CONTINUE;
                END IF;
                BEGIN
                  EXECUTE format('ALTER SEQUENCE %s MINVALUE %s MAXVALUE %s START WITH %s RESTART WITH %s',
                    created.object_identity, first_id, first_id + 999999999999, first_id, first_id);
                EXCEPTION WHEN OTHERS THEN
                  RAISE WARNING 'muster: could not move sequence % into the region''s id range: %',
                    created.object_identity, SQLERRM;
                END;
              END LOOP;
            END
            $fn$
            """;

    private final DatabaseConfig database;

    public RegionIds(DatabaseConfig database) {
        this.database = database;
    }

    /** What {@link #initialize} did. */
    public record Outcome(
            int region, boolean alreadyRecorded, List<String> moved, int alreadyInRange, boolean eventTrigger) {}

    /**
     * Makes the database region {@code region}'s; harmless to repeat.
     *
     * @throws MusterException if the database belongs to another region, or a sequence is
     *                         too small to hold region ids; nothing is changed then
     */
    public Outcome initialize(int region) {
        try (Connection connection = Connections.local(database)) {
            connection.setAutoCommit(false);
            try {
                Outcome outcome = initialize(connection, region);
                connection.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "cannot initialize region " + region + " in " + database.url() + " (nothing was changed): "
                            + e.getMessage(),
                    e);
        }
    }

    /** The region recorded in the database, if {@code init} has run. */
    public OptionalInt recordedRegion() {
        try (Connection connection = Connections.local(database)) {
            return recordedRegion(connection);
        } catch (SQLException e) {
            throw new MusterException(
                    ExitCode.FAILED, "cannot read the region of " + database.url() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves sequences that are not in the recorded region's range yet (created while the
     * event trigger could not be installed, for want of a superuser). Returns those moved.
     * A sequence too small for region ids, which a migration has already created and used,
     * is left as it is (the event trigger warned about it); only {@code init} refuses one.
     */
    public List<String> alignSequences() {
        try (Connection connection = Connections.local(database)) {
            OptionalInt region = recordedRegion(connection);
            if (region.isEmpty()) {
                return List.of();
            }
            connection.setAutoCommit(false);
            List<String> moved = new ArrayList<>();
            alignSequences(connection, region.getAsInt(), moved, false);
            connection.commit();
            return moved;
        } catch (SQLException e) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "cannot move the sequences of " + database.url() + " into the region's id range: " + e.getMessage(),
                    e);
        }
    }

    private Outcome initialize(Connection connection, int region) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + INIT_LOCK + ")");
            statement.execute("CREATE SCHEMA IF NOT EXISTS muster");
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS muster.region (
                      region      integer NOT NULL CHECK (region >= 0),
                      recorded_at timestamptz NOT NULL DEFAULT now(),
                      only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row)
                    )""");
        }
        OptionalInt recorded = recordedRegion(connection);
        if (recorded.isPresent() && recorded.getAsInt() != region) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the database " + database.url() + " belongs to region " + recorded.getAsInt()
                            + "; refusing to make it region " + region + ". Nothing was changed");
        }
        if (recorded.isEmpty()) {
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO muster.region (region) VALUES (?)")) {
                insert.setInt(1, region);
                insert.executeUpdate();
            }
        }
        List<String> moved = new ArrayList<>();
        int inRange = alignSequences(connection, region, moved, true);
        boolean trigger = installEventTrigger(connection);
        return new Outcome(region, recorded.isPresent(), moved, inRange, trigger);
    }

    private static OptionalInt recordedRegion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet exists = statement.executeQuery("SELECT to_regclass('muster.region') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return OptionalInt.empty();
            }
        }
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT region FROM muster.region")) {
            return row.next() ? OptionalInt.of(row.getInt(1)) : OptionalInt.empty();
        }
    }

    /**
     * Moves every sequence outside the range into it; returns how many were in it already.
     * {@code strict}: refuse, changing nothing, if a sequence is too small for region ids.
     */
    private static int alignSequences(Connection connection, int region, List<String> moved, boolean strict)
            throws SQLException {
        long first = RegionNumber.firstId(region);
        long last = RegionNumber.lastId(region);
        List<String> statements = new ArrayList<>();
        int inRange = 0;
        try (Statement statement = connection.createStatement();
                ResultSet sequences = statement.executeQuery(APPLICATION_SEQUENCES)) {
            while (sequences.next()) {
                String name = sequences.getString(1);
                if (!"bigint".equals(sequences.getString(2))) {
                    if (!strict) {
                        continue;
                    }
                    throw new MusterException(
                            ExitCode.FAILED,
                            "sequence " + name + " is " + sequences.getString(2)
                                    + ", too small for region ids (" + first
                                    + " …); make it and its column bigint first. "
                                    + "Nothing was changed");
                }
                if (sequences.getLong(3) == first && sequences.getLong(4) == last) {
                    inRange++;
                    continue;
                }
                long position = sequences.getLong(5);
                boolean positioned = !sequences.wasNull() && position >= first && position <= last;
                statements.add("ALTER SEQUENCE " + name + " MINVALUE " + first + " MAXVALUE " + last + " START WITH "
                        + first + (positioned ? "" : " RESTART WITH " + first));
                moved.add(name);
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String alter : statements) {
                statement.execute(alter);
            }
        }
        return inRange;
    }

    /** Installs the trigger that moves new sequences at once; only a superuser may. */
    private static boolean installEventTrigger(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet superuser =
                        statement.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (!superuser.next() || !superuser.getBoolean(1)) {
                return false;
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(EVENT_TRIGGER);
            statement.execute("DROP EVENT TRIGGER IF EXISTS muster_region_sequences");
            statement.execute("""
                    CREATE EVENT TRIGGER muster_region_sequences ON ddl_command_end
                      WHEN TAG IN ('CREATE SEQUENCE', 'CREATE TABLE', 'CREATE TABLE AS', 'ALTER TABLE')
                      EXECUTE FUNCTION muster.align_new_sequences()""");
        }
        return true;
    }
}
