package dev.muster.it.bench;

import java.time.Duration;
import java.util.List;

/**
 * Percentiles of a set of latencies by the nearest-rank method: the p-th percentile is the
 * smallest sample that at least p % of the samples do not exceed. With fewer than 100
 * samples the 99th is therefore the maximum.
 */
public record LatencyStats(List<Duration> sorted) {

    public LatencyStats {
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        sorted = sorted.stream().sorted().toList();
    }

    public static LatencyStats of(List<Duration> samples) {
        return new LatencyStats(samples);
    }

    public int count() {
        return sorted.size();
    }

    public Duration percentile(int percent) {
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("a percentile is in (0, 100]: " + percent);
        }
        int rank = (percent * sorted.size() + 99) / 100;
        return sorted.get(rank - 1);
    }

    public Duration p50() {
        return percentile(50);
    }

    public Duration p90() {
        return percentile(90);
    }

    public Duration p99() {
        return percentile(99);
    }

    public Duration max() {
        return sorted.get(sorted.size() - 1);
    }

    /** The samples in milliseconds, fractions kept, in ascending order. */
    public List<Double> millis() {
        return sorted.stream().map(sample -> sample.toNanos() / 1e6).toList();
    }
}
