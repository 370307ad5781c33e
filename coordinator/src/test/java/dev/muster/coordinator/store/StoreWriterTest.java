package dev.muster.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.time.Backoff;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreWriterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final FlakyStore store = new FlakyStore();
    private StoreWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private static FleetEvent event(String detail) {
        return FleetEvent.ofFleet(NOW, EventKind.UPGRADE, "operator alice", detail);
    }

    @Test
    void whileTheDatabaseIsDownItTriesAgainAfterGrowingDelaysAndStoresEverythingOnceItIsBack() throws Exception {
        store.failures = 3;
        writer = new StoreWriter(store, Optional.empty(), Clock.systemUTC(), new Backoff(ms(10), ms(1000)));
        Fleet fleet = Fleet.withMembers(List.of(1, 2));

        writer.changed(fleet, List.of(event("first")));
        CompletableFuture<Void> stored = writer.flush();

        stored.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(store.saved()).containsExactly(new Save(Optional.empty(), fleet, List.of(event("first"))));
        List<Long> attempts = store.attempts();
        assertThat(attempts).hasSize(4);
        // ceilings 10, 20 and 40 ms: each delay is at least half of its own
        assertThat(attempts.get(1) - attempts.get(0)).isGreaterThanOrEqualTo(ms(5).toNanos());
        assertThat(attempts.get(2) - attempts.get(1)).isGreaterThanOrEqualTo(ms(10).toNanos());
        assertThat(attempts.get(3) - attempts.get(2)).isGreaterThanOrEqualTo(ms(20).toNanos());
    }

    @Test
    void changesMadeWhileItWaitsToTryAgainGoIntoTheNextAttempt() throws Exception {
        store.failures = 1;
        writer = new StoreWriter(store, Optional.empty(), Clock.systemUTC(), new Backoff(ms(10), ms(1000)));
        Fleet first = Fleet.withMembers(List.of(1));
        Fleet second = Fleet.withMembers(List.of(1, 2));

        store.holdFirstAttempt = new CountDownLatch(1);
        writer.changed(first, List.of(event("first")));
        assertThat(store.firstAttempt.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        writer.changed(second, List.of(event("second")));
        store.holdFirstAttempt.countDown();
        writer.flush().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(store.saved())
                .containsExactly(new Save(Optional.empty(), second, List.of(event("first"), event("second"))));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private record Save(Optional<Fleet> stored, Fleet fleet, List<FleetEvent> events) {}

    /** A store whose database is down for its first {@link #failures} saves. */
    private static final class FlakyStore implements FleetStore {

        final CountDownLatch firstAttempt = new CountDownLatch(1);
        /** When set, the first attempt fails only once this is counted down. */
        volatile CountDownLatch holdFirstAttempt = new CountDownLatch(0);

        volatile int failures;
        private final List<Long> attempts = new ArrayList<>();
        private final List<Save> saved = new ArrayList<>();

        @Override
        public void save(Optional<Fleet> stored, Fleet fleet, List<FleetEvent> events, Instant now) {
            int attempt;
            synchronized (this) {
                attempts.add(System.nanoTime());
                attempt = attempts.size();
            }
            if (attempt == 1) {
                firstAttempt.countDown();
                try {
                    holdFirstAttempt.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (attempt <= failures) {
                throw new IllegalStateException("the database is down");
            }
            synchronized (this) {
                saved.add(new Save(stored, fleet, List.copyOf(events)));
            }
        }

        synchronized List<Long> attempts() {
            return List.copyOf(attempts);
        }

        synchronized List<Save> saved() {
            return List.copyOf(saved);
        }

        @Override
        public Optional<Fleet> load() {
            return Optional.empty();
        }

        @Override
        public List<FleetEvent> recentEvents(int limit) {
            return List.of();
        }

        @Override
        public void close() {}
    }
}
