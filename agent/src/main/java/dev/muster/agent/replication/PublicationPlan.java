package dev.muster.agent.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a remote's publication holds and what it should hold: every table of the
 * application schemas but the excluded ones.
 *
 * @param exists      whether the publication exists at all
 * @param hasSchemas  whether it publishes whole schemas ({@code TABLES IN SCHEMA}), which muster never does
 */
public record PublicationPlan(
        String publication,
        boolean exists,
        SortedSet<TableName> wanted,
        SortedSet<TableName> current,
        boolean hasSchemas) {

    public PublicationPlan {
        wanted = Collections.unmodifiableSortedSet(new TreeSet<>(wanted));
        current = Collections.unmodifiableSortedSet(new TreeSet<>(current));
    }

    /**
     * Application schemas are all but PostgreSQL's own and muster's: muster's state is
     * the region's own business and never replicated.
     */
    public static boolean isApplicationSchema(String schema) {
        return !schema.equals("pg_catalog")
                && !schema.equals("information_schema")
                && !schema.equals("muster")
                && !schema.startsWith("pg_toast")
                && !schema.startsWith("pg_temp");
    }

    static SortedSet<TableName> wanted(Collection<TableName> tables, ExcludeList exclude) {
        SortedSet<TableName> wanted = new TreeSet<>();
        for (TableName table : tables) {
            if (isApplicationSchema(table.schema()) && !exclude.excludes(table)) {
                wanted.add(table);
            }
        }
        return wanted;
    }

    public List<TableName> added() {
        List<TableName> added = new ArrayList<>(wanted);
        added.removeAll(current);
        return added;
    }

    public List<TableName> removed() {
        List<TableName> removed = new ArrayList<>(current);
        removed.removeAll(wanted);
        return removed;
    }

    public boolean inStep() {
        return exists && !hasSchemas && wanted.equals(current);
    }
}
