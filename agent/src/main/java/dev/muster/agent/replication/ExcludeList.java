package dev.muster.agent.replication;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tables a publication leaves out: {@code replication.exclude_tables} (each {@code table},
 * in any application schema, or {@code schema.table}) and always Flyway's history table,
 * which every region keeps for itself.
 */
record ExcludeList(Set<TableName> qualified, Set<String> anySchema) {

    static final String FLYWAY_HISTORY = "flyway_schema_history";

    ExcludeList {
        qualified = Set.copyOf(qualified);
        anySchema = Set.copyOf(anySchema);
    }

    /** Names are matched as the catalogs spell them: unquoted, case-sensitive. */
    static ExcludeList parse(List<String> entries) {
        Set<TableName> qualified = new HashSet<>();
        Set<String> anySchema = new HashSet<>();
        anySchema.add(FLYWAY_HISTORY);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).strip();
            String[] parts = entry.split("\\.", -1);
            boolean wellFormed = !entry.isEmpty()
                    && parts.length <= 2
                    && java.util.Arrays.stream(parts).noneMatch(String::isEmpty);
            if (!wellFormed) {
                throw new MusterException(
                        ExitCode.CONFIG,
                        "replication.exclude_tables[" + i + "]: '" + entry
                                + "' is not a table name; write table (any schema) or schema.table");
            }
            if (parts.length == 1) {
                anySchema.add(parts[0]);
            } else {
                qualified.add(new TableName(parts[0], parts[1]));
            }
        }
        return new ExcludeList(qualified, anySchema);
    }

    boolean excludes(TableName table) {
        return anySchema.contains(table.name()) || qualified.contains(table);
    }
}
