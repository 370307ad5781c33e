package dev.muster.agent.replication;

/**
 * Quoting for the statements that cannot take bind parameters (publication and
 * subscription DDL, table names): every identifier and literal goes through here.
 */
final class Sql {

    private Sql() {
    }

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
