package dev.muster.coordinator.store;

import dev.muster.common.time.Backoff;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the fleet to its store behind the hub's back, on a thread of its own, so that no
 * agent session waits on the database. Changes that arrive while a write runs are merged
 * into the next one (the newest fleet, every event in order). When the database is down
 * it keeps everything and tries again with backoff; nothing is dropped while the process
 * lives. {@link #flush()} tells an operator's command when its change is durable.
 */
public final class StoreWriter implements FleetObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final FleetStore store;
    private final Clock clock;
    private final Backoff retries;
    private final ScheduledThreadPoolExecutor thread;

    // Guarded by this.
    private Fleet latest;
    private final List<FleetEvent> unwritten = new ArrayList<>();
    private long submitted;
    private long written;
    private boolean scheduled;
    private final TreeMap<Long, List<CompletableFuture<Void>>> flushes = new TreeMap<>();

    // Only on the writer's thread.
    private Optional<Fleet> stored;

    /** @param stored what the store holds now (what it loaded), or empty if it holds nothing yet */
    public StoreWriter(FleetStore store, Optional<Fleet> stored, Clock clock) {
        this(store, stored, clock, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)));
    }

    /** @param retries the delays before each attempt after a failed one */
    StoreWriter(FleetStore store, Optional<Fleet> stored, Clock clock, Backoff retries) {
        this.store = store;
        this.stored = stored;
        this.clock = clock;
        this.retries = retries;
        this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread writer = new Thread(runnable, "muster-store");
            writer.setDaemon(true);
            return writer;
        });
        // On close, a retry waiting out its backoff is dropped: close() makes the last write itself.
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public synchronized void changed(Fleet fleet, List<FleetEvent> events) {
        latest = fleet;
        // the store keeps no run times; a slow write would hold thousands of first hellos' worth of them
        events.forEach(event -> unwritten.add(event.withoutRuns()));
        submitted++;
        if (!scheduled) {
            scheduled = true;
            schedule(Duration.ZERO);
        }
    }

    /** Completes when every change made before this call is stored. */
    public synchronized CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (written >= submitted) {
            done.complete(null);
        } else {
            flushes.computeIfAbsent(submitted, seq -> new ArrayList<>()).add(done);
        }
        return done;
    }

    private void write() {
        Fleet fleet;
        List<FleetEvent> events;
        long upTo;
        synchronized (this) {
            fleet = latest;
            events = List.copyOf(unwritten);
            upTo = submitted;
        }
        try {
            store.save(stored, fleet, events, clock.instant());
        } catch (RuntimeException e) {
            Duration delay = retries.next();
            log.warn(
                    "Cannot store the fleet's state ({}); {} events wait; trying again in {} s",
                    e.getMessage(),
                    events.size(),
                    delay.toMillis() / 1000.0);
            schedule(delay);
            return;
        }
        stored = Optional.of(fleet);
        retries.reset();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (this) {
            unwritten.subList(0, events.size()).clear();
            written = upTo;
            while (!flushes.isEmpty() && flushes.firstKey() <= written) {
                done.addAll(flushes.pollFirstEntry().getValue());
            }
            if (submitted > written) {
                schedule(Duration.ZERO);
            } else {
                scheduled = false;
            }
        }
        done.forEach(future -> future.complete(null));
    }

    private void schedule(Duration delay) {
        try {
            // write() handles its own failures: it schedules the next try
            var unused = thread.schedule(this::write, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: close() makes the last write itself
        }
    }

    /** Stops after one last attempt to store what is still unwritten. */
    @Override
    public void close() {
        // A write in progress finishes: interrupting JDBC would only break its connection.
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("The store writer did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean pending;
        synchronized (this) {
            pending = submitted > written;
        }
        if (pending) {
            try {
                lastWrite();
            } catch (RuntimeException e) {
                log.warn(
                        "The fleet's last changes could not be stored ({}); agents report their state again when "
                                + "they reconnect, but the events are lost",
                        e.getMessage());
            }
        }
        store.close();
    }

    private void lastWrite() {
        Fleet fleet;
        List<FleetEvent> events;
        synchronized (this) {
            fleet = latest;
            events = List.copyOf(unwritten);
        }
        store.save(stored, fleet, events, clock.instant());
        synchronized (this) {
            unwritten.clear();
            written = submitted;
            flushes.values().forEach(futures -> futures.forEach(future -> future.complete(null)));
            flushes.clear();
        }
    }
}
