package dev.muster.coordinator.grpc;

import dev.muster.common.net.HostPort;
import dev.muster.common.tls.ReloadingKeyManager;
import dev.muster.common.tls.ReloadingTrustManager;
import dev.muster.common.tls.TlsContexts;
import dev.muster.coordinator.access.AccessPolicy;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the coordinator's gRPC server: start, stop, and wait for it to stop. */
public final class CoordinatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final Server server;

    /**
     * @param durable whether the fleet is kept in a database
     * @param stored  completes once every change made so far is durable (at once without a store)
     */
    /**
     * @param refusals where parties turned away are told; the caller closes it after this server
     */
    public CoordinatorServer(
            HostPort listen,
            TransportSecurity security,
            FleetHub hub,
            String coordinatorVersion,
            boolean durable,
            Supplier<CompletableFuture<Void>> stored,
            UpgradeDriver upgrades,
            RefusalLog refusals) {
        AccessPolicy policy = new AccessPolicy(security);
        Optional<ReloadingTrustManager> trust =
                security.tls().map(tls -> new ReloadingTrustManager(tls.ca(), "a client", refusals, Clock.systemUTC()));
        CallerInterceptor callers = new CallerInterceptor(security.trustDomain(), trust);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()));
        security.tls()
                .ifPresent(tls -> builder.sslContext(
                        TlsContexts.server(new ReloadingKeyManager(tls.cert(), tls.key()), trust.orElseThrow())));
        this.server = builder
                // interceptors run last-added first: the caller is known before anything is authorized
                .addService(ServerInterceptors.intercept(
                        new AgentSessionService(hub, coordinatorVersion, stored, policy, refusals), callers))
                .addService(ServerInterceptors.intercept(
                        new AdminApiService(hub, coordinatorVersion, security, durable, stored, upgrades),
                        new AdminAuthorization(policy, refusals),
                        callers))
                // A session is long-lived and mostly quiet: keepalive finds agents whose
                // host vanished, so that their region can be claimed again by a new session.
                .keepAliveTime(20, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
    }

    public CoordinatorServer start() throws IOException {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("the coordinator server was already started or closed");
        }
        server.start();
        log.info("Coordinator listening on port {}", port());
        return this;
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() throws InterruptedException {
        if (state.getAndSet(State.CLOSED) != State.STARTED) {
            return;
        }
        // Agent sessions never end on their own; give other calls a moment, then cancel
        // the sessions: agents reconnect, with backoff, to the next coordinator.
        server.shutdown();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        log.info("Coordinator stopped");
    }
}
