package dev.muster.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    private static final Duration LONG_POLL = Duration.ofHours(1);

    @Property
    void whatRemainsIsTheTimeoutLessWhatPassedAndItExpiresOnlyPastIt(
            @ForAll long start,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long timeout,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long passed) {
        AtomicLong clock = new AtomicLong(start);
        Deadline deadline = Deadline.after(Duration.ofNanos(timeout), clock::get);

        clock.addAndGet(passed); // from near the largest reading this wraps around, as nanoTime may

        assertThat(deadline.remaining()).isEqualTo(Duration.ofNanos(Math.max(0, timeout - passed)));
        assertThat(deadline.expired()).isEqualTo(passed > timeout);
    }

    @Test
    void atTheVeryLimitNothingRemainsYetItHasNotExpired() {
        AtomicLong clock = new AtomicLong();
        Deadline deadline = Deadline.after(Duration.ofSeconds(60), clock::get);

        clock.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(deadline.remaining()).isZero();
        assertThat(deadline.expired()).isFalse();

        clock.incrementAndGet();
        assertThat(deadline.expired()).isTrue();
    }

    @Test
    void aZeroTimeoutExpiresAsSoonAsAnyTimePasses() {
        AtomicLong clock = new AtomicLong();
        Deadline deadline = Deadline.after(Duration.ZERO, clock::get);

        assertThat(deadline.remaining()).isZero();
        assertThat(deadline.expired()).isFalse();
        clock.incrementAndGet();
        assertThat(deadline.expired()).isTrue();
    }

    @Test
    void aTimeoutTooLongForNanosecondsNeverExpires() {
        AtomicLong clock = new AtomicLong();
        Deadline deadline = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), clock::get);

        clock.set(Long.MAX_VALUE);

        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.remaining()).isZero();
    }

    @Test
    void aClockThatGoesBackCountsAsNoTimePassed() {
        AtomicLong clock = new AtomicLong(1000);
        Deadline deadline = Deadline.after(Duration.ofNanos(Long.MAX_VALUE), clock::get);

        clock.set(0);

        assertThat(deadline.remaining()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        assertThat(deadline.expired()).isFalse();
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.001S");
    }

    @Test
    void onTheSystemsClockItCountsFromWhenItWasMade() {
        Deadline deadline = Deadline.after(Duration.ofHours(1));

        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.remaining()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
    }

    // ---- await ------------------------------------------------------------------------------------------------

    @Test
    void aConditionThatHoldsAtOnceIsCheckedOnceWithoutSleeping() {
        AtomicInteger checks = new AtomicInteger();
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));

        boolean held = assertTimeoutPreemptively(
                Duration.ofSeconds(30), () -> deadline.await(() -> checks.incrementAndGet() > 0, LONG_POLL));

        assertThat(held).isTrue();
        assertThat(checks).hasValue(1);
    }

    @Property(tries = 20)
    void aConditionThatComesToHoldBeforeTheDeadlineEndsTheWaitAtThatCheck(
            @ForAll @IntRange(min = 1, max = 20) int checksUntilItHolds) throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        AtomicLong clock = new AtomicLong();
        Deadline deadline = Deadline.after(Duration.ofSeconds(checksUntilItHolds), clock::get);

        // every check takes a second of the deadline's time, the last just within it
        boolean held = deadline.await(
                () -> {
                    clock.addAndGet(Duration.ofSeconds(1).toNanos());
                    return checks.incrementAndGet() == checksUntilItHolds;
                },
                Duration.ofMillis(1));

        assertThat(held).isTrue();
        assertThat(checks).hasValue(checksUntilItHolds);
    }

    @Property(tries = 20)
    void aConditionThatNeverHoldsIsCheckedOnceMoreAfterTheDeadlinePassed(
            @ForAll @IntRange(min = 0, max = 20) int timeoutSeconds) throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        AtomicLong clock = new AtomicLong();
        Deadline deadline = Deadline.after(Duration.ofSeconds(timeoutSeconds), clock::get);

        boolean held = deadline.await(
                () -> {
                    checks.incrementAndGet();
                    clock.addAndGet(Duration.ofSeconds(1).toNanos());
                    return false;
                },
                Duration.ofMillis(1));

        assertThat(held).isFalse();
        // checks at 0 s, 1 s, ... timeout: all within it; the next one finds it expired
        assertThat(checks).hasValue(timeoutSeconds + 1);
    }

    @Test
    void whatTheConditionThrowsEndsTheWaitAsItIs() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        IOException unreadable = new IOException("unreadable");

        assertThatThrownBy(() -> deadline.await(
                        () -> {
                            throw unreadable;
                        },
                        LONG_POLL))
                .isSameAs(unreadable);
    }

    @Test
    void anInterruptEndsTheWait() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> deadline.await(() -> false, LONG_POLL)).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aPollIntervalMustBePositive() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));

        assertThatThrownBy(() -> deadline.await(() -> false, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
