package dev.muster.agent.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a remote publishes that the global's schema lacks: whole tables, and columns of
 * tables both have. PostgreSQL does not replicate schema changes, and refuses a row with
 * a column the subscriber lacks ({@code logical replication target relation "public.vms"
 * is missing replicated columns}), so while there is a gap the subscription cannot run.
 *
 * @param tables  {@code schema.table} the remote publishes and the global lacks
 * @param columns {@code schema.table.column} of tables both have, which the global lacks
 */
record SchemaGap(Set<String> tables, Set<String> columns) {

    private static final String PUBLISHED_COLUMNS = """
            SELECT pt.schemaname, pt.tablename, a.attname
            FROM pg_publication_tables pt
            JOIN pg_namespace n ON n.nspname = pt.schemaname
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE pt.pubname = ?
            """;
    private static final String LOCAL_COLUMNS = """
            SELECT n.nspname, c.relname, a.attname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p')
            """;

    static SchemaGap between(GlobalDatabase global, RemoteRegion remote, String publication) {
        Set<String> local = Jdbc.attempt(
                "cannot read the columns of " + global.describe(),
                () -> columns(global.connection(), LOCAL_COLUMNS, Optional.empty()));
        Set<String> published = Jdbc.attempt(
                "cannot read what " + remote.endpoint().describe() + " publishes",
                () -> columns(remote.connection(), PUBLISHED_COLUMNS, Optional.of(publication)));
        Set<String> localTables = new TreeSet<>();
        local.forEach(column -> localTables.add(tableOf(column)));
        Set<String> tables = new TreeSet<>();
        Set<String> columns = new TreeSet<>();
        for (String column : published) {
            if (!localTables.contains(tableOf(column))) {
                tables.add(tableOf(column));
            } else if (!local.contains(column)) {
                columns.add(column);
            }
        }
        return new SchemaGap(tables, columns);
    }

    boolean isEmpty() {
        return tables.isEmpty() && columns.isEmpty();
    }

    /** "columns public.vms.retires_on and tables public.service_templates" */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!columns.isEmpty()) {
            parts.add("columns " + String.join(", ", columns));
        }
        if (!tables.isEmpty()) {
            parts.add("tables " + String.join(", ", tables));
        }
        return String.join(" and ", parts);
    }

    private static String tableOf(String column) {
        return column.substring(0, column.lastIndexOf('.'));
    }

    /** {@code schema.table.column} of every column the query lists. */
    private static Set<String> columns(Connection connection, String query, Optional<String> publication)
            throws SQLException {
        Set<String> columns = new TreeSet<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            if (publication.isPresent()) {
                statement.setString(1, publication.get());
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    columns.add(result.getString(1) + "." + result.getString(2) + "." + result.getString(3));
                }
            }
        }
        return columns;
    }
}
