package dev.muster.agent.link;

import dev.muster.agent.gate.GateLink;
import dev.muster.common.net.HostPort;
import dev.muster.common.time.Backoff;
import dev.muster.common.tls.TlsChannels;
import dev.muster.common.tls.TlsFiles;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's session with the coordinator, kept alive across coordinator restarts and
 * network faults: every (re)connection starts with a fresh, complete Hello, so nothing
 * is lost while the link is down. Events go to a listener that must not block (it is
 * called on gRPC threads); reconnection runs on the link's own scheduler thread.
 */
public final class CoordinatorLink implements GateLink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorLink.class);
    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(30);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final ManagedChannel channel;
    private final String target;
    private final Function<Throwable, Optional<String>> explain;
    private final Runnable beforeSession;
    private final Supplier<Hello> hello;
    private final Consumer<LinkEvent> listener;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    // Guarded by this: the current session, and every report of this run, which each new
    // session repeats after its Hello in case the Hello was read before a report was made.
    private final List<AgentMessage> reports = new ArrayList<>();
    private long session;
    private ClientCallStreamObserver<AgentMessage> requests;
    private boolean welcomed;
    private boolean finishing;

    public CoordinatorLink(
            ManagedChannel channel,
            String target,
            Supplier<Hello> hello,
            Consumer<LinkEvent> listener,
            Backoff backoff) {
        this(channel, target, failure -> Optional.empty(), () -> {}, hello, listener, backoff);
    }

    private CoordinatorLink(
            ManagedChannel channel,
            String target,
            Function<Throwable, Optional<String>> explain,
            Runnable beforeSession,
            Supplier<Hello> hello,
            Consumer<LinkEvent> listener,
            Backoff backoff) {
        this.channel = channel;
        this.target = target;
        this.explain = explain;
        this.beforeSession = beforeSession;
        this.hello = hello;
        this.listener = listener;
        this.backoff = backoff;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "muster-link");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A link over TCP to {@code address}: mutual TLS with {@code tls}, plaintext without.
     *
     * @throws dev.muster.common.tls.TlsConfigException when the certificate, key or CA cannot be used
     */
    public static CoordinatorLink to(
            HostPort address, Optional<TlsFiles> tls, Supplier<Hello> hello, Consumer<LinkEvent> listener) {
        TlsChannels transport = TlsChannels.to(address, tls);
        ManagedChannel channel = transport
                .builder()
                .keepAliveTime(20, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
        // Connect now: the handshakes overlap with the agent's reading of its database; the
        // session itself starts with start().
        var unused = channel.getState(true);
        // each session shows the certificate on disk now, renewed or not: no TLS session is resumed
        return new CoordinatorLink(
                channel,
                address.toString(),
                transport::explain,
                transport::forgetSessions,
                hello,
                listener,
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15)));
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("the link to " + target + " was already started");
        }
        scheduler.execute(this::connect);
    }

    @Override
    public synchronized boolean sessionUp() {
        return requests != null && welcomed;
    }

    /**
     * Sends on the current session. Returns the session it went out on, or -1 if no
     * session is up.
     */
    @Override
    public synchronized long send(AgentMessage message) {
        if (requests == null) {
            return -1;
        }
        requests.onNext(message);
        return session;
    }

    /**
     * Sends a report (a migration applied or failed) now if a session is up, and again on
     * every later session whose Hello does not hold it already, so that none is lost to a
     * reconnect. Reports are idempotent.
     */
    @Override
    public synchronized void report(AgentMessage message) {
        reports.add(message);
        send(message);
    }

    /** As {@link #finish()}: a link of its own is the gate's for one run. */
    @Override
    public CompletableFuture<Void> reportsDelivered() {
        return finish();
    }

    /**
     * Ends the session once the coordinator has recorded everything this agent sent,
     * reconnecting first if the link is down. The future completes when that is done.
     */
    public CompletableFuture<Void> finish() {
        synchronized (this) {
            finishing = true;
            if (requests != null && welcomed) {
                requests.onCompleted();
            }
        }
        return finished;
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        synchronized (this) {
            if (requests != null && !finished.isDone()) {
                requests.cancel("the agent is stopping", null);
            }
            requests = null;
        }
        scheduler.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the link's thread: a session, or a retry. Nothing may escape it: the link would stop for good. */
    private void connect() {
        if (state.get() != State.STARTED) {
            return;
        }
        try {
            openSession();
        } catch (RuntimeException e) {
            if (state.get() != State.STARTED) {
                // closed meanwhile: its executor refuses the new session's timer, as it should
                return;
            }
            log.warn("Cannot open a session with the coordinator at {}", target, e);
            retry("Cannot open a session with the coordinator at " + target + " (" + e + ")");
        }
    }

    private void openSession() {
        Hello current;
        try {
            current = hello.get();
        } catch (RuntimeException e) {
            log.warn("Cannot read this region's state for the coordinator", e);
            retry("Cannot read this region's migration state for the coordinator (" + e.getMessage() + ")");
            return;
        }
        // gRPC's own reconnect backoff would add to ours, up to two minutes after a long outage.
        channel.resetConnectBackoff();
        beforeSession.run();
        long id;
        synchronized (this) {
            id = ++session;
            welcomed = false;
            requests = (ClientCallStreamObserver<AgentMessage>)
                    AgentServiceGrpc.newStub(channel).session(new Responses(id));
            requests.onNext(AgentMessage.newBuilder().setHello(current).build());
            // a Hello read after a migration committed tells it: a daemon's reports do not pile up
            reports.removeIf(report -> WireMessages.holds(current, report));
            reports.forEach(requests::onNext);
        }
        var unused =
                scheduler.schedule(() -> abandonIfNotWelcomed(id), WELCOME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void abandonIfNotWelcomed(long id) {
        if (id == session && requests != null && !welcomed) {
            requests.cancel(
                    "the coordinator did not answer the hello within " + WELCOME_TIMEOUT.toSeconds() + "s", null);
        }
    }

    private void retry(String reason) {
        if (state.get() != State.STARTED) {
            return;
        }
        Duration delay = backoff.next();
        log.debug("Link to {} down ({}); retrying in {}", target, reason, delay);
        listener.accept(new LinkEvent.Disconnected(reason, delay));
        try {
            var unused = scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private static String describe(Status status) {
        String description = status.getDescription();
        Throwable cause = status.getCause();
        if (cause != null && cause.getMessage() != null) {
            description = description == null ? cause.getMessage() : description + ": " + cause.getMessage();
        }
        return status.getCode() + (description == null ? "" : ": " + description);
    }

    /** The coordinator's side of one session; callbacks from an older session are ignored. */
    private final class Responses implements ClientResponseObserver<AgentMessage, CoordinatorMessage> {

        private final long id;

        Responses(long id) {
            this.id = id;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {}

        @Override
        public void onNext(CoordinatorMessage message) {
            synchronized (CoordinatorLink.this) {
                if (id != session) {
                    return;
                }
                if (message.hasWelcome()) {
                    welcomed = true;
                    backoff.reset();
                    if (finishing) {
                        requests.onCompleted();
                    }
                }
            }
            switch (message.getKindCase()) {
                case WELCOME -> listener.accept(new LinkEvent.Connected(id, message.getWelcome()));
                case WAIT -> listener.accept(new LinkEvent.Waiting(id, message.getWait()));
                case GO -> listener.accept(new LinkEvent.Released(id, message.getGo()));
                case REJECT ->
                    listener.accept(new LinkEvent.Rejected(
                            id,
                            message.getReject().getRequestId(),
                            message.getReject().getReason()));
                case COMMAND -> listener.accept(new LinkEvent.CommandReceived(id, message.getCommand()));
                case KIND_NOT_SET ->
                    log.warn(
                            "Ignoring an empty message from the coordinator at {}; "
                                    + "it may be newer than this agent",
                            target);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!endSession()) {
                return;
            }
            Status status = Status.fromThrowable(t);
            if (status.getCode() == Status.Code.PERMISSION_DENIED || status.getCode() == Status.Code.UNAUTHENTICATED) {
                String reason =
                        status.getDescription() == null ? status.getCode().toString() : status.getDescription();
                listener.accept(new LinkEvent.Denied(id, reason));
                retry("The coordinator at " + target + " refused this agent (" + reason + ")");
                return;
            }
            retry(explain.apply(t)
                    .map(tls -> "Cannot reach the coordinator: " + tls)
                    .orElse("Cannot reach the coordinator at " + target + " (" + describe(status) + ")"));
        }

        @Override
        public void onCompleted() {
            boolean wasFinishing;
            synchronized (CoordinatorLink.this) {
                wasFinishing = finishing && welcomed;
            }
            if (!endSession()) {
                return;
            }
            if (wasFinishing) {
                finished.complete(null);
            } else {
                retry("The coordinator at " + target + " ended the session");
            }
        }

        private boolean endSession() {
            synchronized (CoordinatorLink.this) {
                if (id != session) {
                    return false;
                }
                requests = null;
                welcomed = false;
                return true;
            }
        }
    }
}
