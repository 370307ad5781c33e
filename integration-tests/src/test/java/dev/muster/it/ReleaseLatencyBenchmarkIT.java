package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.BenchmarkEnvironment;
import dev.muster.it.bench.BenchmarkReport;
import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.LatencyTables;
import dev.muster.it.bench.ReleaseLatencyBenchmark;
import dev.muster.it.bench.ReleaseLatencyResults;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long after the last remote commits migration V the global begins to apply it: muster
 * against ManageIQ's in-band signal (each remote records V in a replicated table, the global
 * polls it once a second, restarting its subscriptions between polls), interleaved on the
 * same three servers. Prints the figures; asserts only that every trial ran and kept the
 * safety invariant. {@code docs/benchmarks.md} tells the method.
 *
 * <p>{@code ./mvnw -B verify -Pbenchmarks} runs it, and writes {@code docs/benchmarks.md} and
 * its chart (as does {@code -Dbench.report=true}); {@code -Dbench.trials=N} changes the number
 * of counted trials of each kind (default {@value #DEFAULT_TRIALS}), {@code -Dbench.note=TEXT}
 * adds a note to the document. Only this benchmark:
 * {@code ./mvnw -B verify -Pbenchmarks -pl integration-tests -am -Dit.test=ReleaseLatencyBenchmarkIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>On three servers of your own instead of embedded ones:
 * {@code -Dbench.jdbc.global=jdbc:postgresql://HOST:PORT/DB -Dbench.jdbc.region1=…
 * -Dbench.jdbc.region2=…}, with {@code -Dbench.user=NAME} (default postgres) and
 * {@code -Dbench.password.file=FILE} if the servers ask for a password. The databases must be
 * fresh (the benchmark leaves its tables in them, and drops its subscriptions); the remotes
 * need {@code wal_level = logical} and {@code track_commit_timestamp = on}; the user must be
 * allowed to create publications and subscriptions; the global's server must reach each
 * remote at the host and port of its URL; and the servers' clocks should agree, since the
 * latencies compare one server's commit time with another's.
 */
class ReleaseLatencyBenchmarkIT {

    private static final int DEFAULT_TRIALS = 30;
    private static final int WARM_UP_TRIALS = 1;

    @TempDir
    Path dir;

    @Test
    void musterAgainstTheInBandSignal() throws Exception {
        String loadBefore = BenchmarkEnvironment.loadAverage();
        Optional<Path> docs =
                Optional.ofNullable(System.getProperty("bench.docs")).map(Path::of);
        try (BenchmarkServers servers = BenchmarkServers.fromSystemProperties()) {
            ReleaseLatencyResults results = ReleaseLatencyBenchmark.run(
                    servers, dir, Integer.getInteger("bench.trials", DEFAULT_TRIALS), WARM_UP_TRIALS, System.out);
            BenchmarkReport report = new BenchmarkReport(
                    BenchmarkEnvironment.capture(servers, loadBefore, docs.map(Path::getParent)),
                    results,
                    Optional.ofNullable(System.getProperty("bench.note")));
            System.out.println(LatencyTables.markdown(results, "###"));

            assertThat(results.safetyViolations()).as("the safety invariant").isEmpty();
            if (Boolean.getBoolean("bench.report")) {
                Path written = docs.orElseThrow(() -> new IllegalStateException("bench.docs names no directory"));
                report.write(written);
                System.out.println("Written: " + written.resolve(BenchmarkReport.DOCUMENT));
            }
        }
    }
}
