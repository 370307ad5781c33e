package dev.muster.it.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A run's measurements as markdown tables, one per measurement: the percentiles of muster's
 * trials and of the in-band anchor's, and the ratio of the two.
 */
public final class LatencyTables {

    public static final String MUSTER = "muster";
    public static final String IN_BAND = "in-band (ManageIQ)";
    public static final String UPGRADE = "muster upgrade";

    private static final List<Function<LatencyStats, Duration>> COLUMNS =
            List.of(LatencyStats::p50, LatencyStats::p90, LatencyStats::p99, LatencyStats::max);

    private LatencyTables() {}

    /**
     * Every measurement's table, each under a title.
     *
     * @param heading the markdown heading marker of each title, e.g. {@code ###}
     */
    public static String markdown(ReleaseLatencyResults results, String heading) {
        return heading + " Release latency: region 2's commit of V → the global's `installed_on` of V\n\n"
                + table(MUSTER, results.musterAfterRegionTwo(), results.inBandAfterRegionTwo())
                + "\n" + heading + " Driven by `muster upgrade`: the last remote's commit of V → the global's"
                + " `installed_on` of V\n\n"
                + table(UPGRADE, results.upgradeAfterLastRemote(), results.inBandAfterLastRemote())
                + "\n" + heading + " Region 1's commit of V → the global's `installed_on` of V\n\n"
                + table(MUSTER, results.musterAfterRegionOne(), results.inBandAfterRegionOne());
    }

    private static String table(String name, LatencyStats muster, LatencyStats inBand) {
        StringBuilder table =
                new StringBuilder("| | trials | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
        row(table, name, muster);
        row(table, IN_BAND, inBand);
        table.append("| ").append(name).append(" / in-band |");
        for (Function<LatencyStats, Duration> column : COLUMNS) {
            double ratio = (double) column.apply(muster).toNanos()
                    / column.apply(inBand).toNanos();
            table.append(String.format(Locale.ROOT, " | %.2f", ratio));
        }
        return table.append(" |\n").toString();
    }

    private static void row(StringBuilder table, String name, LatencyStats stats) {
        table.append("| ").append(name).append(" | ").append(stats.count());
        for (Function<LatencyStats, Duration> column : COLUMNS) {
            table.append(" | ").append(column.apply(stats).toMillis()).append(" ms");
        }
        table.append(" |\n");
    }
}
