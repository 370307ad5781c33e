package dev.muster.agent.daemon;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.LocalHello;
import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionOutages;
import dev.muster.agent.steps.ConfiguredSteps;
import dev.muster.agent.steps.UpgradeSteps;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.ReplicationReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code muster-agent run}: keeps this agent's session with the coordinator up, tells it of
 * the region on it ({@link RegionReporter}), and carries out the steps of an operator's
 * upgrade it sends ({@link CommandExecutor}), the migrate step on this very session
 * ({@link SessionGate}), until it is closed. The link calls back on gRPC threads, which must
 * not block: events only hand work to the daemon's own thread, where every read for a report
 * runs, or to its command thread, where steps run one at a time, in the order they came, so
 * that a long migrate does not hold up the reports. Their results go back through
 * {@link CommandResults}, kept while no session is up.
 */
public final class AgentDaemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentDaemon.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    /** Opens the daemon's link: over TCP to the configured coordinator, or in-process in tests. */
    @FunctionalInterface
    public interface LinkFactory {
        CoordinatorLink open(Supplier<Hello> hello, Consumer<LinkEvent> listener);
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Duration interval;
    private final ScheduledExecutorService thread;
    private final ExecutorService commands;
    private final CoordinatorLink link;
    private final SessionGate gate;
    private final CommandExecutor executor;
    private final RegionReporter reporter;
    private final CommandResults results;
    /** Between Welcome and the end of that session: reports go only to a session the coordinator has accepted. */
    private volatile boolean connected;

    /**
     * @param hello    read by the link for every session; the daemon marks it as a daemon's
     * @param reports  read on the daemon's thread for every report; a failure to read the
     *                 server belongs in the report ({@code unavailable}), not in an exception
     * @param code     reads the region's migration files, every interval and when the coordinator
     *                 asks; empty for a daemon that tells the coordinator of its files only in its Hello
     * @param steps    carries out the steps of an upgrade the coordinator sends
     * @param registry where the daemon's own metrics go ({@code muster_agent_*})
     */
    public AgentDaemon(
            LinkFactory links,
            Supplier<Hello> hello,
            Supplier<ReplicationReport> reports,
            Optional<Supplier<List<LocalMigration>>> code,
            Duration interval,
            UpgradeSteps steps,
            MeterRegistry registry) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the report interval must be positive, not " + interval);
        }
        this.interval = interval;
        this.thread = Executors.newSingleThreadScheduledExecutor(named("muster-daemon"));
        this.commands = Executors.newSingleThreadExecutor(named("muster-command"));
        Optional<CodeWatcher> watcher = code.map(files -> new CodeWatcher(files, Clock.systemUTC()));
        // the files a Hello names are the coordinator's from then on
        this.link = links.open(
                () -> {
                    Hello daemonHello = WireMessages.daemonHello(hello.get());
                    return watcher.map(files -> files.told(daemonHello)).orElse(daemonHello);
                },
                this::onEvent);
        this.reporter = new RegionReporter(thread, link, () -> connected, reports, watcher, interval, registry);
        this.results = new CommandResults(link, () -> connected);
        this.gate = new SessionGate(link);
        this.executor = new CommandExecutor(steps, gate, registry);
        Gauge.builder("muster_agent_connected", () -> connected ? 1 : 0)
                .description("1 while the daemon's session with the coordinator is up")
                .register(registry);
        Gauge.builder("muster_agent_command_running", () -> executor.running() ? 1 : 0)
                .description("1 while the daemon carries out a step of an upgrade")
                .register(registry);
    }

    /**
     * The daemon of the agent {@code config} describes: its database, its migration files, its
     * coordinator; it carries out upgrade steps with the configuration file as it reads at each step.
     */
    public static AgentDaemon create(AgentConfig config, String agentVersion) {
        return create(config, agentVersion, new SimpleMeterRegistry());
    }

    /** As {@link #create(AgentConfig, String)}, its metrics in {@code registry}. */
    public static AgentDaemon create(AgentConfig config, String agentVersion, MeterRegistry registry) {
        FlywayMigrations migrations = new FlywayMigrations(config.database(), config.migrationLocations());
        ReplicationProbe probe = new ReplicationProbe(
                config.role(),
                new ReplicationStatus(config.database(), config.replication()),
                Optional.of(new ReplicationProbe.Outages(
                        new SubscriptionOutages(config.database(), config.replication()),
                        () -> migrations.state().pendingVersions())),
                Clock.systemUTC());
        return new AgentDaemon(
                (helloSupplier, listener) -> CoordinatorLink.to(
                        config.coordinator().address(), config.coordinator().tls(), helloSupplier, listener),
                LocalHello.of(config, migrations, agentVersion),
                probe,
                Optional.of(() -> migrations.state().available()),
                config.coordinator().reportInterval(),
                new ConfiguredSteps(config),
                registry);
    }

    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("the agent daemon was already started");
        }
        log.info(
                "Connecting to the coordinator at {}; reporting replication health every {}",
                link.target(),
                seconds(interval));
        link.start();
        // Read at once too, so the log tells the state of replication even while the coordinator is away.
        onDaemonThread(reporter::restart);
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
            // The command first, while the link is up: the coordinator learns how it ended.
            stop(commands, "A command was still running after {}; stopping without it");
            link.close();
            stop(thread, "A replication report was still being read after {}; stopping without it");
        } finally {
            stopped.countDown();
        }
        log.info("Agent stopped");
    }

    /** Interrupts what {@code threads} runs and waits for it, for {@link #STOP_TIMEOUT} at most. */
    private static void stop(ExecutorService threads, String stillRunning) {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(stillRunning, seconds(STOP_TIMEOUT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On gRPC threads and the link's: log, and hand anything more to the daemon's thread or the command thread. */
    private void onEvent(LinkEvent event) {
        gate.deliver(event);
        if (event instanceof LinkEvent.Connected welcomed) {
            log.info(
                    "Connected to the coordinator at {} (coordinator {}, member regions {})",
                    link.target(),
                    welcomed.welcome().getCoordinatorVersion(),
                    welcomed.welcome().getMemberRegionsList());
            connected = true;
            onDaemonThread(results::sendKept);
            onDaemonThread(reporter::restart);
        } else if (event instanceof LinkEvent.CommandReceived received
                && received.command().hasReadCode()) {
            // not behind a running step: a plan asks, and waits only a few seconds
            onDaemonThread(
                    () -> results.deliver(reporter.readCode(received.command().getCommandId())));
        } else if (event instanceof LinkEvent.CommandReceived received) {
            try {
                commands.execute(() -> carryOut(received.command()));
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        } else if (event instanceof LinkEvent.Disconnected disconnected) {
            connected = false;
            log.info("{}; trying again in {}", disconnected.reason(), seconds(disconnected.retryIn()));
        } else if (event instanceof LinkEvent.Denied denied) {
            // Fatal to migrate; the daemon tries again, for a certificate may be rotated in place.
            log.error("The coordinator at {} refused this agent: {}", link.target(), denied.reason());
        } else if (event instanceof LinkEvent.Rejected rejected && rejected.refusesSession()) {
            // Fatal to migrate, not to the daemon: what holds the region now (another agent, or a
            // session of this one the coordinator has not seen end yet) may go away, and exiting
            // would only have systemd do what the link does anyway: try again, with backoff.
            log.warn(
                    "The coordinator at {} refused this agent's session: {}. Trying again",
                    link.target(),
                    rejected.reason());
        } else if (event instanceof LinkEvent.Rejected rejected) {
            log.warn("The coordinator rejected request {} of this agent: {}", rejected.requestId(), rejected.reason());
        } else {
            // Wait and Go answer the release requests of a migrate step, which has them through the gate.
            log.debug("{}", event);
        }
    }

    private void onDaemonThread(Runnable work) {
        try {
            thread.execute(work);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** On the command thread: carries out the command and answers with its result. */
    private void carryOut(Command command) {
        AgentMessage result = executor.carryOut(command);
        if (state.get() == State.CLOSED
                && !result.getCommandResult().getOutputList().contains(CommandExecutor.STOPPED)) {
            result = result.toBuilder()
                    .setCommandResult(result.getCommandResult().toBuilder().addOutput(CommandExecutor.STOPPED))
                    .build();
        }
        results.deliver(result);
    }

    private static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
