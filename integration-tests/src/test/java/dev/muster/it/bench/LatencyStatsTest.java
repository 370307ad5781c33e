package dev.muster.it.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void nearestRankOfThirtySamples() {
        List<Duration> samples = new ArrayList<>(
                IntStream.rangeClosed(1, 30).mapToObj(Duration::ofMillis).toList());
        Collections.shuffle(samples);

        LatencyStats stats = LatencyStats.of(samples);

        assertThat(stats.p50()).isEqualTo(Duration.ofMillis(15));
        assertThat(stats.p90()).isEqualTo(Duration.ofMillis(27));
        assertThat(stats.p99()).isEqualTo(Duration.ofMillis(30));
        assertThat(stats.max()).isEqualTo(Duration.ofMillis(30));
    }

    @Test
    void ninetyNinthOfAHundredIsNotTheMaximum() {
        LatencyStats stats = LatencyStats.of(
                IntStream.rangeClosed(1, 100).mapToObj(Duration::ofMillis).toList());

        assertThat(stats.p99()).isEqualTo(Duration.ofMillis(99));
        assertThat(stats.max()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void oneSampleIsEveryPercentile() {
        LatencyStats stats = LatencyStats.of(List.of(Duration.ofMillis(7)));

        assertThat(List.of(stats.p50(), stats.p90(), stats.p99(), stats.max())).containsOnly(Duration.ofMillis(7));
    }

    @Test
    void noSamplesHaveNoPercentiles() {
        assertThatThrownBy(() -> LatencyStats.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
