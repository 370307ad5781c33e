package dev.muster.agent.replication;

import java.util.List;
import java.util.stream.Collectors;

/** What {@link RemotePublication#ensure()} did to the publication. */
public record PublicationChange(
        String publication, boolean created, List<TableName> added, List<TableName> removed, List<TableName> tables) {

    public PublicationChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        tables = List.copyOf(tables);
    }

    public boolean changed() {
        return created || !added.isEmpty() || !removed.isEmpty();
    }

    /** One line for the operator, e.g. {@code publication miq: added public.vms (12 tables)}. */
    public String describe() {
        String count = tables.size() == 1 ? "1 table" : tables.size() + " tables";
        if (created) {
            return "publication " + publication + " created with " + count;
        }
        if (!changed()) {
            return "publication " + publication + " is up to date (" + count + ")";
        }
        StringBuilder line = new StringBuilder("publication " + publication + ":");
        if (!added.isEmpty()) {
            line.append(" added ").append(names(added));
        }
        if (!removed.isEmpty()) {
            line.append(added.isEmpty() ? "" : ";").append(" removed ").append(names(removed));
        }
        return line.append(" (").append(count).append(")").toString();
    }

    private static String names(List<TableName> tables) {
        return tables.stream().map(TableName::toString).collect(Collectors.joining(", "));
    }
}
