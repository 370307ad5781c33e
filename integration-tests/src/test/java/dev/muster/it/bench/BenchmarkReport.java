package dev.muster.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The release-latency benchmark's figures as {@code docs/benchmarks.md}: the measurements,
 * the chart of the two distributions, the method, the machine and the software.
 */
public final class BenchmarkReport {

    public static final String DOCUMENT = "benchmarks.md";
    public static final String CHART = "benchmarks-release-latency.png";

    private final BenchmarkEnvironment environment;
    private final ReleaseLatencyResults results;
    private final Optional<String> note;

    /**
     * A report of one run.
     *
     * @param note what the reader should know about the run that the machine cannot tell
     */
    public BenchmarkReport(BenchmarkEnvironment environment, ReleaseLatencyResults results, Optional<String> note) {
        this.environment = environment;
        this.results = results;
        this.note = note;
    }

    /** Writes the document and its chart into {@code docs}. */
    public void write(Path docs) throws IOException {
        Files.writeString(docs.resolve(DOCUMENT), markdown());
        Map<String, LatencyStats> distributions = new LinkedHashMap<>();
        distributions.put(LatencyTables.MUSTER + " (by hand)", results.musterAfterRegionTwo());
        distributions.put(LatencyTables.UPGRADE, results.upgradeAfterLastRemote());
        distributions.put(LatencyTables.IN_BAND, results.inBandAfterRegionTwo());
        LatencyChart.write(
                docs.resolve(CHART), "The last remote's commit of V → the global's installed_on of V", distributions);
    }

    public String markdown() {
        StringBuilder doc = new StringBuilder();
        doc.append("# Benchmarks\n\n");
        doc.append("Written by `ReleaseLatencyBenchmarkIT` (`./mvnw -B verify -Pbenchmarks`); run it again rather than"
                        + " editing this file. Measured ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                        .format(environment.measuredAt().atOffset(ZoneOffset.UTC)))
                .append(".\n\n");
        doc.append("## Release latency: muster against ManageIQ's in-band signal\n\n");
        doc.append("How long after the last remote commits migration V the global begins to apply it. muster's"
                + " reason to exist beside ManageIQ's in-band signal is that its coordinator releases the global"
                + " the moment the last remote has reported; the in-band signal is the anchor it is measured"
                + " against, on the same servers in the same run.\n\n");
        note.ifPresent(text -> doc.append("**Note:** ").append(text).append("\n\n"));
        doc.append(LatencyTables.markdown(results, "###"));
        doc.append("\n![The distributions of the release latency](")
                .append(CHART)
                .append(")\n\n");
        doc.append(method());
        doc.append(environment.markdown("###"));
        return doc.toString();
    }

    private String method() {
        int trials = results.muster().size();
        return "### Method\n\n"
                + "Three PostgreSQL servers: the global (region 99) and remotes 1 and 2, `track_commit_timestamp = on`"
                + " on the remotes, each database initialised as `muster-agent init` leaves it. Each trial adds a"
                + " fresh version V, one `CREATE TABLE` of an empty table, to every region's migration files. The"
                + " global starts first and waits; after a random pause of up to "
                + InBandSignal.POLL.toMillis() + " ms region 1 migrates, and once it has finished, region 2; the"
                + " global applies V as soon as it is released. The pause is the same for the two kinds of trial"
                + " of a turn; it puts region 2's commit at a random point of the in-band global's polling"
                + " interval, as by hand, where the trial's own rhythm would put it at nearly the same point"
                + " every time. A muster trial, an in-band trial and a `muster upgrade` trial take turns, "
                + trials + " of each counted after " + results.warmUpTrials() + " of each to warm up.\n\n"
                + "- **muster**: a coordinator in the benchmark's JVM (plaintext gRPC on loopback, the fleet in"
                + " memory), and each region's `muster-agent migrate` run in the same JVM as an operator runs it by"
                + " hand: the global's first, region 1's once the global prints `Waiting for remote region 1 to run"
                + " migration V`, region 2's once region 1's has exited.\n"
                + "- **muster upgrade**: the whole procedure carried out by the regions' daemons, as an operator"
                + " runs it with one command: a coordinator and a daemon per region (`muster-agent run`) in the"
                + " benchmark's JVM, each region on a database of its own beside the others' (`"
                + UpgradeTrials.DATABASE + "`), the global subscribing to both remotes; per trial `muster upgrade"
                + " --to V --teardown disable` tears replication down, migrates both remotes at once and the"
                + " global, sets replication up again and verifies it. The latency is from whichever remote"
                + " committed V last.\n"
                + "- **in-band (ManageIQ)**: every region migrates with plain Flyway (schema `inband`). A Flyway"
                + " callback on each remote inserts (region, V) into `inband_signal.migrations_ran` in V's own"
                + " transaction; each remote publishes that table and the global subscribes to it. The global"
                + " checks its copy; while a remote's row is missing it disables and enables that remote's"
                + " subscription, sleeps " + InBandSignal.POLL.toSeconds() + " s and looks again, as ManageIQ"
                + " does; once every remote's row is there it runs Flyway.\n\n"
                + "Latency is read from the databases: from a remote's commit of V (the commit timestamp of its"
                + " `flyway_schema_history` row for V) to the global's `installed_on` of V (Flyway's `now()` in the"
                + " transaction that writes that row). Flyway 13 writes the row in a transaction of its own, which"
                + " begins before V's transaction commits and commits a fraction of a millisecond after it: the"
                + " first time is when the remote's V became visible, the second is before the global's V"
                + " committed. With embedded servers all clocks are this machine's."
                + " Every trial checks the safety invariant — the global's `installed_on` of V later than each"
                + " remote's commit of V — and the benchmark fails on a violation; nothing else is asserted."
                + " Percentiles are nearest-rank, so with fewer than 100 trials p99 is the maximum. The ratio is"
                + " muster's figure over the in-band one: below 1, muster releases sooner.\n";
    }
}
