package dev.muster.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private static final long HOUR = 3_600_000_000_000L;
    private static final RandomGenerator NO_JITTER = drawing(bound -> 0);
    private static final RandomGenerator MOST_JITTER = drawing(bound -> bound - 1);

    /** Ceiling {@code attempt} (from 0), worked out apart from how the backoff does it: initial × 2^attempt, capped. */
    private static long ceiling(long initial, long max, int attempt) {
        return BigInteger.valueOf(initial)
                .shiftLeft(attempt)
                .min(BigInteger.valueOf(max))
                .longValueExact();
    }

    private static List<Long> delays(Backoff backoff, int count) {
        return IntStream.range(0, count)
                .mapToObj(attempt -> backoff.next().toNanos())
                .toList();
    }

    /** Jitter that always draws {@code draw(bound)} from [0, bound). */
    private static RandomGenerator drawing(LongUnaryOperator draw) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded draws");
            }

            @Override
            public long nextLong(long bound) {
                return draw.applyAsLong(bound);
            }
        };
    }

    @Property
    void everyDelayIsHalfToAllOfItsCeilingAndNeverAboveTheMaximum(
            @ForAll @LongRange(min = 1, max = HOUR) long initial,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long beyondInitial,
            @ForAll @IntRange(min = 1, max = 70) int attempts,
            @ForAll long seed) {
        long max = initial + beyondInitial;
        Backoff backoff = new Backoff(Duration.ofNanos(initial), Duration.ofNanos(max), new Random(seed));

        List<Long> delays = delays(backoff, attempts);

        for (int attempt = 0; attempt < attempts; attempt++) {
            long ceiling = ceiling(initial, max, attempt);
            assertThat(delays.get(attempt))
                    .as("attempt %d of %d ns up to %d ns", attempt, initial, max)
                    .isBetween(ceiling - ceiling / 2, ceiling)
                    .isLessThanOrEqualTo(max)
                    .isPositive();
        }
    }

    @Property
    void theJitterSpansTheWholeUpperHalfOfEachCeiling(
            @ForAll @LongRange(min = 1, max = HOUR) long initial,
            @ForAll @IntRange(min = 0, max = 40) int doublingsToMax,
            @ForAll @IntRange(min = 1, max = 50) int attempts) {
        long max = initial << Math.min(doublingsToMax, Long.numberOfLeadingZeros(initial) - 1);

        List<Long> highest = delays(new Backoff(Duration.ofNanos(initial), Duration.ofNanos(max), NO_JITTER), attempts);
        List<Long> lowest =
                delays(new Backoff(Duration.ofNanos(initial), Duration.ofNanos(max), MOST_JITTER), attempts);

        for (int attempt = 0; attempt < attempts; attempt++) {
            long ceiling = ceiling(initial, max, attempt);
            assertThat(highest.get(attempt)).isEqualTo(ceiling);
            assertThat(lowest.get(attempt)).isEqualTo((ceiling + 1) / 2);
        }
    }

    @Property
    void resetStartsOverAsIfNew(
            @ForAll @LongRange(min = 1, max = HOUR) long initial,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long beyondInitial,
            @ForAll @IntRange(min = 0, max = 70) int attemptsBefore,
            @ForAll @IntRange(min = 1, max = 70) int attemptsAfter) {
        Duration first = Duration.ofNanos(initial);
        Duration max = Duration.ofNanos(initial + beyondInitial);
        Backoff used = new Backoff(first, max, NO_JITTER);
        delays(used, attemptsBefore);

        used.reset();

        assertThat(delays(used, attemptsAfter)).isEqualTo(delays(new Backoff(first, max, NO_JITTER), attemptsAfter));
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
    void withRealRandomnessEachDelayIsJitteredWithinItsCeiling(int attempt, long lowest, long highest) {
        List<Long> delays = IntStream.range(0, 500)
                .mapToObj(sample -> {
                    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
                    IntStream.range(0, attempt).forEach(skipped -> backoff.next());
                    return backoff.next().toMillis();
                })
                .toList();

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(lowest, highest));
        assertThat(delays.stream().distinct().count())
                .as("jittered, not one fixed delay")
                .isGreaterThan(1);
    }

    @Test
    void aLongOutageNeverWaitsLongerThanTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

        List<Duration> delays =
                IntStream.range(0, 100).mapToObj(i -> backoff.next()).toList();

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(30)));
        assertThat(delays.get(99)).isGreaterThanOrEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void anInitialDelayMustBePositiveAndTheMaximumNoShorter() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).next())
                .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    }
}
