package dev.muster.agent.daemon;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.db.DatabaseIdentity;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.LocalHello;
import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.ReplicationReport;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code muster-agent run}: keeps this agent's session with the coordinator up and reports
 * the region's replication health on it, as each session starts and then every report
 * interval, until it is closed. The link calls back on gRPC threads, which must not block:
 * events only hand work to the daemon's own thread, where every database read runs.
 */
public final class AgentDaemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentDaemon.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private enum State { LATENT, STARTED, CLOSED }

    /** Opens the daemon's link: over TCP to the configured coordinator, or in-process in tests. */
    @FunctionalInterface
    public interface LinkFactory {
        CoordinatorLink open(Supplier<Hello> hello, Consumer<LinkEvent> listener);
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Supplier<ReplicationReport> reports;
    private final Duration interval;
    private final ScheduledExecutorService executor;
    private final CoordinatorLink link;
    /** Between Welcome and the end of that session: reports go only to a session the coordinator has accepted. */
    private volatile boolean connected;
    // Only touched on the executor's thread.
    private final ReplicationChanges changes = new ReplicationChanges();
    private ScheduledFuture<?> reporting;

    /**
     * @param hello   read by the link for every session
     * @param reports read on the daemon's thread for every report; a failure to read the
     *                server belongs in the report ({@code unavailable}), not in an exception
     */
    public AgentDaemon(LinkFactory links, Supplier<Hello> hello, Supplier<ReplicationReport> reports, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the report interval must be positive, not " + interval);
        }
        this.reports = reports;
        this.interval = interval;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "muster-daemon");
            thread.setDaemon(true);
            return thread;
        });
        this.link = links.open(hello, this::onEvent);
    }

    /** The daemon of the agent {@code config} describes: its database, its migration files, its coordinator. */
    public static AgentDaemon create(AgentConfig config, String agentVersion) {
        FlywayMigrations migrations = new FlywayMigrations(config.database(), config.migrationLocations());
        LocalHello hello = new LocalHello(config.region(), config.role().wire(), agentVersion, migrations::state,
                new DatabaseIdentity(config.database()));
        ReplicationProbe probe = new ReplicationProbe(config.role(),
                new ReplicationStatus(config.database(), config.replication()), Clock.systemUTC());
        return new AgentDaemon((helloSupplier, listener) ->
                CoordinatorLink.to(config.coordinator().address(), helloSupplier, listener),
                hello, probe, config.coordinator().reportInterval());
    }

    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("the agent daemon was already started");
        }
        log.info("Connecting to the coordinator at {}; reporting replication health every {}", link.target(),
                seconds(interval));
        link.start();
        // Read at once too, so the log tells the state of replication even while the coordinator is away.
        onDaemonThread(this::restartReports);
    }

    /** Returns once the daemon is closed. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        try {
            link.close();
            executor.shutdownNow();
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("A replication report was still being read after {}; stopping without it", seconds(STOP_TIMEOUT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
        log.info("Agent stopped");
    }

    /** On gRPC threads and the link's: log, and hand anything more to the daemon's thread. */
    private void onEvent(LinkEvent event) {
        if (event instanceof LinkEvent.Connected welcomed) {
            log.info("Connected to the coordinator at {} (coordinator {}, member regions {})", link.target(),
                    welcomed.welcome().getCoordinatorVersion(), welcomed.welcome().getMemberRegionsList());
            connected = true;
            onDaemonThread(this::restartReports);
        } else if (event instanceof LinkEvent.Disconnected disconnected) {
            connected = false;
            log.info("{}; trying again in {}", disconnected.reason(), seconds(disconnected.retryIn()));
        } else if (event instanceof LinkEvent.Rejected rejected && rejected.refusesSession()) {
            // Fatal to migrate, not to the daemon: what holds the region now (another agent, or a
            // session of this one the coordinator has not seen end yet) may go away, and exiting
            // would only have systemd do what the link does anyway: try again, with backoff.
            log.warn("The coordinator at {} refused this agent's session: {}. Trying again", link.target(),
                    rejected.reason());
        } else if (event instanceof LinkEvent.Rejected rejected) {
            log.warn("The coordinator rejected request {} of this agent: {}", rejected.requestId(), rejected.reason());
        } else {
            // Wait and Go answer release requests, which only migrate sends.
            log.debug("Ignoring {}", event);
        }
    }

    private void onDaemonThread(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** A report now, then every interval: the coordinator learns the state as soon as a session begins. */
    private void restartReports() {
        if (reporting != null) {
            reporting.cancel(false);
        }
        reporting = executor.scheduleWithFixedDelay(this::report, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report() {
        try {
            ReplicationReport report = reports.get();
            changes.next(report).ifPresent(change -> {
                if (change.warning()) {
                    log.warn("{}", change.line());
                } else {
                    log.info("{}", change.line());
                }
            });
            // Without a session it is dropped: the next session gets a fresh one.
            if (connected) {
                link.send(WireMessages.replicationReport(report));
            }
        } catch (RuntimeException e) {
            // An exception would end the schedule; the next report must still be made.
            log.warn("Cannot report this region's replication health", e);
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
