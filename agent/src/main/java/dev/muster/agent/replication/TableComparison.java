package dev.muster.agent.replication;

import java.util.Optional;

/**
 * One published table of one remote region, compared with the global's copy over that
 * region's id range. {@code global} is empty when the global has no such table (it has
 * not yet migrated to it), and {@code remote} too when the table has no integer id column
 * that tells the region's rows apart: neither is compared.
 *
 * @param remoteOutsideRange the remote's rows whose id is not in the region's range (or is
 *                           null): written with ids the region does not own, so that on the
 *                           global they pass for another region's rows, or collide with them
 */
public record TableComparison(
        int region, TableName table, Optional<RowDigest> remote, long remoteOutsideRange, Optional<RowDigest> global) {

    public TableComparison(
            int region, TableName table, RowDigest remote, long remoteOutsideRange, Optional<RowDigest> global) {
        this(region, table, Optional.of(remote), remoteOutsideRange, global);
    }

    /** A comparison of a remote without rows outside its range. */
    public TableComparison(int region, TableName table, RowDigest remote, Optional<RowDigest> global) {
        this(region, table, remote, 0, global);
    }

    /** A table whose rows no integer id tells apart by region: it is not compared. */
    static TableComparison withoutId(int region, TableName table) {
        return new TableComparison(region, table, Optional.empty(), 0, Optional.empty());
    }

    public boolean compared() {
        return remote.isPresent() && global.isPresent();
    }

    public boolean mismatch() {
        return remoteOutsideRange > 0 || compared() && !remote.get().sameAs(global.get());
    }

    public String result() {
        String inRange;
        if (remote.isEmpty()) {
            inRange = "not compared: no integer id column tells region " + region + "'s rows apart";
        } else if (global.isEmpty()) {
            inRange = "not compared: the global has no such table";
        } else if (remote.get().rows() != global.get().rows()) {
            inRange = "MISMATCH: row counts differ";
        } else {
            inRange = remote.get().sameAs(global.get()) ? "ok" : "MISMATCH: contents differ";
        }
        if (remoteOutsideRange == 0) {
            return inRange;
        }
        String outside = "MISMATCH: " + remoteOutsideRange + " remote " + (remoteOutsideRange == 1 ? "row" : "rows")
                + " outside region " + region + "'s id range";
        return inRange.startsWith("MISMATCH: ")
                ? outside + "; and " + inRange.substring("MISMATCH: ".length())
                : outside;
    }

    /** For the error message, e.g. {@code public.users of region 1 (remote 3 rows, global 4 rows: row counts differ)}. */
    String describe() {
        return table + " of region " + region + " (remote "
                + remote.map(TableComparison::rows).orElse("-") + ", global "
                + global.map(TableComparison::rows).orElse("no table") + ": "
                + result().replace("MISMATCH: ", "") + ")";
    }

    private static String rows(RowDigest digest) {
        return digest.rows() == 1 ? "1 row" : digest.rows() + " rows";
    }
}
