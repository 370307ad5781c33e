package dev.muster.agent.replication;

import java.util.Optional;

/**
 * One published table of one remote region, compared with the global's copy over that
 * region's id range. {@code global} is empty when the global has no such table (it has
 * not yet migrated to it), which is not compared.
 *
 * @param remoteOutsideRange the remote's rows whose id is not in the region's range (or is
 *                           null): written with ids the region does not own, so that on the
 *                           global they pass for another region's rows, or collide with them
 */
public record TableComparison(int region, TableName table, RowDigest remote, long remoteOutsideRange,
                              Optional<RowDigest> global) {

    /** A comparison of a remote without rows outside its range. */
    public TableComparison(int region, TableName table, RowDigest remote, Optional<RowDigest> global) {
        this(region, table, remote, 0, global);
    }

    public boolean compared() {
        return global.isPresent();
    }

    public boolean mismatch() {
        return remoteOutsideRange > 0 || global.isPresent() && !remote.sameAs(global.get());
    }

    public String result() {
        if (remoteOutsideRange > 0) {
            return "MISMATCH: " + remoteOutsideRange + " remote " + (remoteOutsideRange == 1 ? "row" : "rows")
                    + " outside region " + region + "'s id range";
        }
        if (global.isEmpty()) {
            return "not compared: the global has no such table";
        }
        if (remote.rows() != global.get().rows()) {
            return "MISMATCH: row counts differ";
        }
        return mismatch() ? "MISMATCH: contents differ" : "ok";
    }

    /** For the error message, e.g. {@code public.users of region 1 (remote 3 rows, global 4 rows: row counts differ)}. */
    String describe() {
        return table + " of region " + region + " (remote " + rows(remote) + ", global "
                + global.map(TableComparison::rows).orElse("no table") + ": "
                + result().replace("MISMATCH: ", "") + ")";
    }

    private static String rows(RowDigest digest) {
        return digest.rows() == 1 ? "1 row" : digest.rows() + " rows";
    }
}
