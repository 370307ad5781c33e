package dev.muster.it.bench.footprint;

import dev.muster.it.bench.BenchmarkEnvironment;
import dev.muster.it.bench.LatencyStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

/** The footprint benchmark's figures as {@code docs/benchmarks-footprint.md}. */
public record FootprintReport(
        BenchmarkEnvironment environment,
        List<DaemonFootprint> trials,
        int migrations,
        Duration idle,
        Optional<String> note) {

    public static final String DOCUMENT = "benchmarks-footprint.md";

    public FootprintReport {
        trials = List.copyOf(trials);
    }

    public void write(Path docs) throws IOException {
        Files.writeString(docs.resolve(DOCUMENT), markdown());
    }

    public String table() {
        LatencyStats welcome =
                LatencyStats.of(trials.stream().map(DaemonFootprint::toWelcome).toList());
        return "| | trials | p50 | max |\n|---|---:|---:|---:|\n"
                + String.format(
                        Locale.ROOT,
                        "| start → welcomed by the coordinator | %d | %d ms | %d ms |%n",
                        welcome.count(),
                        welcome.p50().toMillis(),
                        welcome.max().toMillis())
                + memoryRow("resident set after " + idle.toSeconds() + " s idle", DaemonFootprint::idleRssKiB)
                + memoryRow("resident set, peak while idle", DaemonFootprint::peakRssKiB);
    }

    private String memoryRow(String name, ToLongFunction<DaemonFootprint> kib) {
        List<Long> sorted = trials.stream().map(kib::applyAsLong).sorted().toList();
        long median = sorted.get((sorted.size() - 1) / 2);
        long max = sorted.get(sorted.size() - 1);
        return String.format(
                Locale.ROOT, "| %s | %d | %d MiB | %d MiB |%n", name, sorted.size(), median / 1024, max / 1024);
    }

    public String markdown() {
        return "# Benchmarks: the agent's footprint\n\n"
                + "Written by `AgentFootprintBenchmarkIT` (`./mvnw -B verify -Pbenchmarks`); run it again rather than"
                + " editing this file. Measured "
                + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                        .format(environment.measuredAt().atOffset(ZoneOffset.UTC))
                + ".\n\n"
                + "What the agent's daemon costs an appliance: `muster-agent run` started through the distribution's"
                + " launcher as systemd starts it (default JVM options), on a remote region with " + migrations
                + " migrations applied, its coordinator on loopback.\n\n"
                + note.map(text -> "**Note:** " + text + "\n\n").orElse("")
                + table()
                + "\n## Method\n\n"
                + "Each trial starts the daemon and times it from the launcher's start to its log line saying the"
                + " coordinator welcomed its session (the Hello carries the region's whole migration history). The"
                + " daemon is then left alone for " + idle.toSeconds() + " s while its resident set (`VmRSS` in"
                + " `/proc/PID/status`) is read once a second; the last reading is its idle footprint. It is then"
                + " stopped with SIGTERM, as systemd stops it, and must exit 143. The JVM sizes its heap from the"
                + " machine's memory by default; `MUSTER_JAVA_OPTS` in the unit's environment can bound it.\n"
                + environment.markdown("##");
    }
}
