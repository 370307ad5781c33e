package dev.muster.it.scale;

import dev.muster.it.bench.LatencyStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The scale benchmark's figures as {@code docs/benchmarks-scale.md}: each size, the method, the machine. */
final class ScaleReport {

    static final String DOCUMENT = "benchmarks-scale.md";

    private final Instant measuredAt;
    private final Map<String, String> environment;
    private final List<ScaleFigures> sizes;
    private final Optional<String> note;

    ScaleReport(Instant measuredAt, Map<String, String> environment, List<ScaleFigures> sizes, Optional<String> note) {
        this.measuredAt = measuredAt;
        this.environment = environment;
        this.sizes = List.copyOf(sizes);
        this.note = note;
    }

    /** The same questions before the coordinator's per-event work stopped growing with the fleet (issue 13). */
    private static final String BEFORE = "\n## Before\n\n"
            + "As issue 13 reports them, measured before its work, when the work of each event grew with the fleet:\n\n"
            + "| regions | Hellos admitted | last report → Go | memory |\n|---|---|---|---|\n"
            + "| 100 | 2.3 s | 15 ms | |\n"
            + "| 300 | 7.4 s | 1.0 s | |\n"
            + "| 1,000 | 57 s | 26.7 s | RSS 1.3 GB |\n\n"
            + "Those agents said no `installed_rank`. With ranks, as agents send them, this benchmark's first run"
            + " (commit 807c09c, 1,000 migrations each) took 66.2 s to admit 100 regions (last report → Go 4.0–32.7"
            + " ms, store 1,331 rows/s): each migration a Hello taught was checked against everything taught in the"
            + " last two minutes.\n";

    void write(Path docs) throws IOException {
        Files.writeString(docs.resolve(DOCUMENT), markdown());
    }

    String markdown() {
        StringBuilder doc = new StringBuilder("# Scale of one coordinator\n\n");
        doc.append(
                        "Written by `CoordinatorScaleBenchmarkIT` (`./mvnw -B verify -Pbenchmarks`); run it again rather than"
                                + " editing this file. Measured ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                        .format(measuredAt.atOffset(ZoneOffset.UTC)))
                .append(".\n\n");
        note.ifPresent(text -> doc.append("**Note:** ").append(text).append("\n\n"));
        doc.append(table());
        doc.append(BEFORE);
        doc.append(method());
        doc.append("\n## Machine and software\n\n| | |\n|---|---|\n");
        environment.forEach((key, value) -> doc.append("| ")
                .append(key)
                .append(" | ")
                .append(value.replace("|", "\\|"))
                .append(" |\n"));
        return doc.toString();
    }

    String table() {
        StringBuilder table = new StringBuilder(
                "| regions | migrations each | Hellos admitted | last report → Go p50 / p90 /"
                        + " max (trials) | heap after GC | JVM RSS | status RPC | store |\n|---|---|---|---|---|---|---|---|\n");
        for (ScaleFigures size : sizes) {
            LatencyStats go = LatencyStats.of(size.goLatencies());
            LatencyStats status = LatencyStats.of(size.statusTimes());
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %,d | %.1f s | %s / %s / %s ms (%d) | %d MiB | %s | %s–%s ms | %,d rows in %.1f s: %,.0f rows/s |%n",
                    size.regions(),
                    size.migrations(),
                    size.hellos().toMillis() / 1000.0,
                    ScaleFigures.millis(go.p50()),
                    ScaleFigures.millis(go.p90()),
                    ScaleFigures.millis(go.max()),
                    go.count(),
                    size.heapAfterGc() >> 20,
                    size.rss().isPresent() ? (size.rss().getAsLong() >> 20) + " MiB" : "unknown",
                    ScaleFigures.millis(status.sorted().get(0)),
                    ScaleFigures.millis(status.max()),
                    size.storedRows(),
                    size.storeCaughtUp().toMillis() / 1000.0,
                    size.storeRowsPerSecond()));
        }
        return table.toString();
    }

    private static String method() {
        return "\n## Method\n\n"
                + "One JVM holds the coordinator (`Coordinator.create`, as `muster serve` starts it) with its store in a"
                + " fresh database of an embedded PostgreSQL server, and the simulated agents: region "
                + SimulatedFleet.GLOBAL + " the global and regions 1..N the member remotes. Each agent is a real"
                + " session of the agent service over gRPC on loopback, saying what an agent says: a Hello with its"
                + " whole history (M applied migrations with Flyway's run times and ranks, and the same M in its"
                + " files), reports of migrations applied, the global's release requests. The sessions share "
                + SimulatedFleet.CHANNELS + " plaintext HTTP/2 connections: on a plaintext loopback port an agent"
                + " is the region its Hello claims, so no connection or certificate of its own is needed (with"
                + " mutual TLS each agent would have a connection and a handshake of its own, which this does not"
                + " measure). At most " + SimulatedFleet.CONNECTING + " Hellos are unanswered at once.\n\n"
                + "- **Hellos admitted**: from the first Hello sent to the last Welcome received; every Hello must be"
                + " welcomed.\n"
                + "- **last report → Go**: each trial adds version M+k; the global asks for it and is told to wait;"
                + " every member but the last reports it, and once the coordinator's events show it has taken those"
                + " in, the last member reports it: the time from that report leaving its agent to the Go arriving"
                + " at the global's. Percentiles are nearest-rank.\n"
                + "- **heap after GC**: heap in use after the trials, the store caught up and `System.gc()`: the"
                + " coordinator's and the simulated agents' (which keep little), in one JVM. **JVM RSS** is that"
                + " JVM's resident set then.\n"
                + "- **status RPC**: the round trip of `GetStatus`, the call `muster status` makes, on a connection of"
                + " its own, three times.\n"
                + "- **store**: the rows in schema `muster`'s tables once the store's writer has caught up, over the"
                + " time from the first Hello sent until it had (its flush completed).\n";
    }
}
