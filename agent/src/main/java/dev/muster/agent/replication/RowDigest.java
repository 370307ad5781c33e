package dev.muster.agent.replication;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A region's rows of one table, summarised: how many, and the sum of the first 64 bits of
 * each row's md5. A sum does not depend on row order, and {@code to_jsonb} writes keys in
 * a fixed order, so column order does not matter either; a column one side lacks does.
 */
public record RowDigest(long rows, BigDecimal digest) {

    /**
     * The sum of the rows' hashes, followed by its {@code FILTER} if any. Whole-row reference
     * {@code r.*}: a bare {@code r} would mean a column if the table had one of that name.
     */
    private static final String DIGEST =
            "coalesce(sum(('x' || left(md5(to_jsonb(r.*)::text), 16))::bit(64)::bigint)%s, 0)";

    private static final String IN_RANGE = "r.id BETWEEN ? AND ?";
    private static final String QUERY = "SELECT count(*), " + DIGEST.formatted("") + " FROM %s AS r WHERE " + IN_RANGE;

    /**
     * Output settings that a value's text depends on, the same on both sides; the JDBC
     * driver already fixes DateStyle and extra_float_digits.
     */
    static void prepareSession(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone TO 'UTC'");
            statement.execute("SET IntervalStyle TO 'postgres'");
            statement.execute("SET bytea_output TO 'hex'");
        }
    }

    /** A remote's rows of one table: those of its id range, summarised, and how many lie outside that range. */
    record RegionRows(RowDigest inRange, long outsideRange) {}

    /** Like {@link #read}, also counting rows outside {@code ids}, in the same single pass. */
    static RegionRows readRegion(Connection connection, TableName table, IdRange ids) throws SQLException {
        String inRangeOnly = " FILTER (WHERE " + IN_RANGE + ")";
        String query = "SELECT count(*)" + inRangeOnly + ", " + DIGEST.formatted(inRangeOnly) + ", "
                + "count(*) FILTER (WHERE r.id IS NULL OR NOT " + IN_RANGE + ") FROM " + table.quoted() + " AS r";
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            for (int range = 0; range < 3; range++) {
                statement.setLong(2 * range + 1, ids.first());
                statement.setLong(2 * range + 2, ids.last());
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return new RegionRows(new RowDigest(result.getLong(1), result.getBigDecimal(2)), result.getLong(3));
            }
        }
    }

    static RowDigest read(Connection connection, TableName table, IdRange ids) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(QUERY.formatted(table.quoted()))) {
            statement.setLong(1, ids.first());
            statement.setLong(2, ids.last());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return new RowDigest(result.getLong(1), result.getBigDecimal(2));
            }
        }
    }

    public boolean sameAs(RowDigest other) {
        return rows == other.rows && digest.compareTo(other.digest) == 0;
    }
}
