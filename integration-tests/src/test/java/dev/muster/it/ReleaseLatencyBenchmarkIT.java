package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.bench.BenchmarkServers;
import dev.muster.it.bench.LatencyTables;
import dev.muster.it.bench.ReleaseLatencyBenchmark;
import dev.muster.it.bench.ReleaseLatencyResults;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long after the last remote commits migration V the global begins to apply it: muster
 * against ManageIQ's in-band signal (each remote records V in a replicated table, the global
 * polls it once a second, restarting its subscriptions between polls), interleaved on the
 * same three servers. Prints the figures; asserts only that every trial ran and kept the
 * safety invariant.
 *
 * <p>{@code ./mvnw -B verify -Pbenchmarks} runs it; {@code -Dbench.trials=N} changes the number
 * of counted trials of each kind (default {@value #DEFAULT_TRIALS}). Only this benchmark:
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
        try (BenchmarkServers servers = BenchmarkServers.fromSystemProperties()) {
            ReleaseLatencyResults results = ReleaseLatencyBenchmark.run(
                    servers, dir, Integer.getInteger("bench.trials", DEFAULT_TRIALS), WARM_UP_TRIALS, System.out);
            System.out.println(LatencyTables.markdown(results, "###"));

            assertThat(results.safetyViolations()).as("the safety invariant").isEmpty();
        }
    }
}
