package dev.muster.it.bench.overhead;

import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.LatencyStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a run of the overhead benchmark measured: each procedure's counted runs, and the floors. */
public record OverheadResults(
        int migrations, Map<OverheadProcedure, List<OverheadRun>> runs, Map<String, List<Duration>> floors) {

    public OverheadResults {
        runs = Map.copyOf(runs);
        Map<String, List<Duration>> ordered = new LinkedHashMap<>();
        floors.forEach((floor, times) -> ordered.put(floor, List.copyOf(times)));
        floors = ordered;
    }

    public LatencyStats total(OverheadProcedure procedure) {
        return LatencyStats.of(
                runsOf(procedure).stream().map(OverheadRun::total).toList());
    }

    /** The procedure's median total over plain Flyway's on the JVM's defaults. */
    public double ratio(OverheadProcedure procedure) {
        return ratio(procedure, OverheadProcedure.PLAIN_FLYWAY);
    }

    /** The procedure's median total over {@code baseline}'s. */
    public double ratio(OverheadProcedure procedure, OverheadProcedure baseline) {
        return (double) total(procedure).p50().toNanos() / total(baseline).p50().toNanos();
    }

    /** The tables: totals with their ratio to plain Flyway, each region's process, and the floors. */
    public String markdown(String heading) {
        StringBuilder doc = new StringBuilder();
        doc.append(heading)
                .append(" ")
                .append(migrations)
                .append(" migrations × 3 regions, from the first process's start to the last one's exit\n\n");
        doc.append("| | runs | p50 | max | p50 / plain Flyway's | p50 / plain Flyway's on the same JVM options |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (OverheadProcedure procedure : OverheadProcedure.values()) {
            LatencyStats total = total(procedure);
            doc.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d ms | %d ms | %.2f× | %.2f× |%n",
                    procedure.label(),
                    total.count(),
                    total.p50().toMillis(),
                    total.max().toMillis(),
                    ratio(procedure),
                    ratio(procedure, OverheadProcedure.PLAIN_FLYWAY_SHORT_RUN_OPTIONS)));
        }
        doc.append("\n")
                .append(heading)
                .append(" Each region's process, start to exit (p50)\n\n")
                .append("| | region 1 | region 2 | global (99) |\n|---|---:|---:|---:|\n");
        for (OverheadProcedure procedure : OverheadProcedure.values()) {
            doc.append("| ").append(procedure.label());
            for (int region : List.of(1, 2, BenchmarkServers.GLOBAL)) {
                LatencyStats times = LatencyStats.of(runsOf(procedure).stream()
                        .map(run -> run.regions().get(region))
                        .toList());
                doc.append(" | ").append(times.p50().toMillis()).append(" ms");
            }
            doc.append(" |\n");
        }
        doc.append("\n")
                .append(heading)
                .append(" Floors: one process that does (almost) nothing\n\n")
                .append("| | runs | p50 | max |\n|---|---:|---:|---:|\n");
        floors.forEach((floor, times) -> {
            LatencyStats stats = LatencyStats.of(times);
            doc.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d ms | %d ms |%n",
                    floor,
                    stats.count(),
                    stats.p50().toMillis(),
                    stats.max().toMillis()));
        });
        return doc.toString();
    }

    private List<OverheadRun> runsOf(OverheadProcedure procedure) {
        List<OverheadRun> counted = runs.get(procedure);
        if (counted == null || counted.isEmpty()) {
            throw new IllegalStateException("no counted run of " + procedure.label());
        }
        return counted;
    }
}
