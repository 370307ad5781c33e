package dev.muster.agent.replication;

/**
 * Quoting for the statements that cannot take bind parameters (publication and
 * subscription DDL, table names): every identifier and literal goes through here.
 */
final class Sql {

    /**
     * The condition on {@code pg_attribute a} that it is an integer {@code id} column: the
     * one that tells a region's rows apart by range.
     */
    static final String IS_INTEGER_ID = "a.attname = 'id' AND a.attnum > 0 AND NOT a.attisdropped "
            + "AND a.atttypid IN ('bigint'::regtype, 'integer'::regtype, 'smallint'::regtype, 'numeric'::regtype)";

    private Sql() {}

    /** A quoted identifier, e.g. {@code "region_1_subscription"}, safe whatever the name holds. */
    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * A string literal that means the same whatever {@code standard_conforming_strings} is:
     * with a backslash in the text, the escape-string form, as {@code PQescapeLiteral} writes it.
     */
    static String literal(String text) {
        String quoted = text.replace("'", "''");
        if (text.indexOf('\\') < 0) {
            return "'" + quoted + "'";
        }
        return "E'" + quoted.replace("\\", "\\\\") + "'";
    }
}
