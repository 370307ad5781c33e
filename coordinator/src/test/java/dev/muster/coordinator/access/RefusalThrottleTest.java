package dev.muster.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RefusalThrottleTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T12:00:00Z"));
    private final RefusalThrottle throttle = new RefusalThrottle(clock);

    @Test
    void theSameRefusalIsRecordedOncePerQuietPeriodAndTheNextSaysHowManyWereLeftOut() {
        assertThat(throttle.admit("region 1 expired")).hasValue(0);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(throttle.admit("region 1 expired")).isEmpty();
        }
        assertThat(throttle.admit("region 2 expired"))
                .as("another refusal is news")
                .hasValue(5);

        clock.advance(RefusalThrottle.QUIET);
        assertThat(throttle.admit("region 1 expired")).hasValue(0);
    }

    @Test
    void noMoreThanTheBudgetIsRecordedInAMinuteHoweverManyKeysThereAre() {
        int recorded = 0;
        for (int i = 0; i < 1000; i++) {
            OptionalLong verdict = throttle.admit("self-signed certificate " + i);
            if (verdict.isPresent()) {
                recorded++;
            }
        }
        assertThat(recorded).isEqualTo(RefusalThrottle.PER_MINUTE);

        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.admit("self-signed certificate 1000")).hasValue(1000 - RefusalThrottle.PER_MINUTE);
    }
}
