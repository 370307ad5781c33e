package dev.muster.agent.replication;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.cli.TextTable;
import java.util.List;
import java.util.stream.Collectors;

/** Every comparison {@link ReplicationVerifier} made, and whether the global is in step. */
public record VerifyReport(List<TableComparison> comparisons) {

    public VerifyReport {
        comparisons = List.copyOf(comparisons);
    }

    public List<TableComparison> mismatches() {
        return comparisons.stream().filter(TableComparison::mismatch).toList();
    }

    public boolean inSync() {
        return mismatches().isEmpty();
    }

    public String table() {
        TextTable table = new TextTable("REGION", "TABLE", "REMOTE ROWS", "GLOBAL ROWS", "RESULT");
        for (TableComparison comparison : comparisons) {
            table.add(
                    comparison.region(),
                    comparison.table(),
                    comparison
                            .remote()
                            .map(digest -> Long.toString(digest.rows()))
                            .orElse("-"),
                    comparison
                            .global()
                            .map(digest -> Long.toString(digest.rows()))
                            .orElse("-"),
                    comparison.result());
        }
        return table.isEmpty()
                ? "no subscriptions configured (replication.subscriptions): nothing to verify"
                : table.render();
    }

    /** Fails with every mismatch named by table and region. */
    public void requireInSync() {
        List<TableComparison> mismatches = mismatches();
        if (!mismatches.isEmpty()) {
            boolean outsideRange = mismatches.stream().anyMatch(comparison -> comparison.remoteOutsideRange() > 0);
            throw new MusterException(
                    ExitCode.FAILED,
                    "the global is not in step with its remotes in "
                            + mismatches.size() + (mismatches.size() == 1 ? " table: " : " tables: ")
                            + mismatches.stream().map(TableComparison::describe).collect(Collectors.joining("; "))
                            + (outsideRange
                                    ? ". Rows outside a region's id range were written with ids the region does not "
                                            + "own (set by hand, or before 'muster-agent init' moved its sequences); give them ids in "
                                            + "the region's range on the remote"
                                    : ""));
        }
    }
}
