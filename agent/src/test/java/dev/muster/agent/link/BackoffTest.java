package dev.muster.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private static final int SAMPLES = 500;

    private static Backoff backoff() {
        return new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    }

    /** The delay of attempt {@code attempt} (from 0) of a fresh backoff, drawn {@link #SAMPLES} times. */
    private static List<Long> delaysOfAttempt(int attempt) {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            Backoff backoff = backoff();
            IntStream.range(0, attempt).forEach(skipped -> backoff.next());
            delays.add(backoff.next().toMillis());
        }
        return delays;
    }

    @ParameterizedTest(name = "attempt {0} waits {1}..{2} ms")
    @CsvSource({
        "0, 50, 100",
        "1, 100, 200",
        "2, 200, 400",
        "3, 400, 800",
        "4, 500, 1000",
        "5, 500, 1000",
        "30, 500, 1000"
    })
    void eachDelayIsHalfToAllOfACeilingThatDoublesUpToTheMaximum(int attempt, long lowest, long highest) {
        List<Long> delays = delaysOfAttempt(attempt);

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(lowest, highest));
        assertThat(delays.stream().distinct().count())
                .as("jittered, not one fixed delay")
                .isGreaterThan(1);
    }

    @Test
    void consecutiveDelaysGrowUntilTheyReachTheCap() {
        Backoff backoff = backoff();

        List<Duration> delays =
                IntStream.range(0, 8).mapToObj(i -> backoff.next()).toList();

        // Ceilings 100, 200, 400, 800, 1000, ...: each delay is at least half its ceiling and at most all of it.
        assertThat(delays.get(3)).isGreaterThan(delays.get(0));
        assertThat(delays.subList(4, 8))
                .allSatisfy(delay -> assertThat(delay).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000)));
    }

    @Test
    void aLongOutageNeverWaitsLongerThanTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));

        List<Duration> delays =
                IntStream.range(0, 100).mapToObj(i -> backoff.next()).toList();

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(15)));
        assertThat(delays.get(99)).isGreaterThanOrEqualTo(Duration.ofMillis(7500));
    }

    @Test
    void resetStartsOverFromTheInitialDelay() {
        Backoff backoff = backoff();
        IntStream.range(0, 6).forEach(i -> backoff.next());

        backoff.reset();

        assertThat(backoff.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void theStandardBackoffStartsAtHalfASecondAndStopsAtFifteen() {
        Backoff standard = Backoff.standard();

        assertThat(standard.next()).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        IntStream.range(0, 10).forEach(i -> standard.next());
        assertThat(standard.next()).isBetween(Duration.ofMillis(7500), Duration.ofSeconds(15));
    }
}
