package dev.muster.agent.replication;

import java.util.Comparator;

/** A table named by schema and name, as the catalogs spell them (case kept, unquoted). */
public record TableName(String schema, String name) implements Comparable<TableName> {

    private static final Comparator<TableName> ORDER =
            Comparator.comparing(TableName::schema).thenComparing(TableName::name);

    public TableName {
        if (schema == null || schema.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a table needs a schema and a name: " + schema + "." + name);
        }
    }

    /** The name as SQL text, each part quoted: {@code "public"."users"}. */
    public String quoted() {
        return Sql.identifier(schema) + "." + Sql.identifier(name);
    }

    @Override
    public int compareTo(TableName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
