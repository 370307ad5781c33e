package dev.muster.it.scale;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one size of the scale benchmark measured.
 *
 * @param hellos          from the first Hello sent to the last Welcome received
 * @param goLatencies     each trial's last member's report sent → the global's Go received
 * @param heapAfterGc     heap in use after the Hellos and trials and a full GC, coordinator and simulated agents
 * @param rss             the JVM's resident set then (coordinator, agents and the test), if the OS says
 * @param statusTimes     each status call's round trip
 * @param statusRegions   how many regions the last status listed
 * @param storedRows      rows in the store's tables once its writer caught up
 * @param storeCaughtUp   from the first Hello sent to the writer having stored everything
 */
record ScaleFigures(
        int regions,
        int migrations,
        Duration hellos,
        List<Duration> goLatencies,
        long heapAfterGc,
        OptionalLong rss,
        List<Duration> statusTimes,
        int statusRegions,
        long storedRows,
        Duration storeCaughtUp) {

    ScaleFigures {
        goLatencies = List.copyOf(goLatencies);
        statusTimes = List.copyOf(statusTimes);
    }

    double storeRowsPerSecond() {
        return storedRows / Math.max(1e-9, storeCaughtUp.toNanos() / 1e9);
    }

    String summary() {
        return String.format(
                "%,d regions × %,d migrations: Hellos admitted in %.1f s; last report → Go %s ms; heap %d MiB after GC%s;"
                        + " status %s ms (%,d regions); store %,d rows in %.1f s (%,.0f rows/s)",
                regions,
                migrations,
                hellos.toMillis() / 1000.0,
                goLatencies.stream().map(ScaleFigures::millis).toList(),
                heapAfterGc >> 20,
                rss.isPresent() ? ", RSS " + (rss.getAsLong() >> 20) + " MiB" : "",
                statusTimes.stream().map(ScaleFigures::millis).toList(),
                statusRegions,
                storedRows,
                storeCaughtUp.toMillis() / 1000.0,
                storeRowsPerSecond());
    }

    static String millis(Duration duration) {
        return String.format("%.1f", duration.toNanos() / 1e6);
    }
}
