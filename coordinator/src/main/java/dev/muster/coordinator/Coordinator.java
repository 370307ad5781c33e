package dev.muster.coordinator;

import dev.muster.common.metrics.MetricsEndpoint;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.grpc.CoordinatorServer;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.metrics.FleetMetrics;
import dev.muster.coordinator.metrics.SecurityMetrics;
import dev.muster.coordinator.metrics.UpgradeMetrics;
import dev.muster.coordinator.store.FleetStore;
import dev.muster.coordinator.store.PostgresFleetStore;
import dev.muster.coordinator.store.StoreWriter;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: the fleet hub, the server agents and operators talk to, the
 * upgrade driver, and the writer that keeps the fleet in its database. Closing it stops
 * them all: an upgrade first, the writer last.
 */
public final class Coordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final FleetHub hub;
    private final CoordinatorServer server;
    private final Optional<StoreWriter> writer;
    private final UpgradeDriver upgrades;
    private final RefusalLog refusals;
    private final MetricsEndpoint metrics;
    private final CoordinatorConfig config;
    private final String version;

    private Coordinator(
            FleetHub hub,
            CoordinatorServer server,
            Optional<StoreWriter> writer,
            UpgradeDriver upgrades,
            RefusalLog refusals,
            MetricsEndpoint metrics,
            CoordinatorConfig config,
            String version) {
        this.hub = hub;
        this.server = server;
        this.writer = writer;
        this.upgrades = upgrades;
        this.refusals = refusals;
        this.metrics = metrics;
        this.config = config;
        this.version = version;
    }

    /**
     * A coordinator that is not listening yet: {@link #start()} it. With a database it
     * resumes the fleet it stored there; without one, the fleet lives in memory only.
     */
    public static Coordinator create(CoordinatorConfig config, String version) {
        Clock clock = Clock.systemUTC();
        Optional<FleetStore> store = config.database().map(PostgresFleetStore::open);
        Optional<Fleet> stored;
        List<FleetEvent> recent;
        try {
            stored = store.flatMap(FleetStore::load);
            recent = store.map(s -> s.recentEvents(FleetHub.HISTORY)).orElse(List.of());
        } catch (RuntimeException e) {
            store.ifPresent(FleetStore::close);
            throw e;
        }
        Fleet initial =
                stored.map(fleet -> resumed(fleet, config)).orElseGet(() -> Fleet.withMembers(config.regions()));
        FleetHub hub = new FleetHub(initial, clock, recent);
        MetricsEndpoint metrics = new MetricsEndpoint(List.of(Tag.of("application", "muster-coordinator")));
        hub.observe(new FleetMetrics(metrics.registry(), clock));
        Optional<StoreWriter> writer = store.map(s -> new StoreWriter(s, stored, clock));
        writer.ifPresent(hub::observe);
        if (store.isEmpty()) {
            log.warn("No database in the configuration: the fleet's state is kept in memory only, and a restart "
                    + "forgets members added or removed, pauses, forced releases and the event log");
        }
        hub.started(version, stored.isPresent());
        Supplier<CompletableFuture<Void>> durable =
                () -> writer.map(StoreWriter::flush).orElse(CompletableFuture.completedFuture(null));
        UpgradeDriver upgrades = new UpgradeDriver(hub);
        UpgradeMetrics.register(metrics.registry(), upgrades::phase);
        SecurityMetrics.register(metrics.registry(), config.security());
        RefusalLog refusals = new RefusalLog(hub, clock, metrics.registry());
        CoordinatorServer server;
        try {
            server = new CoordinatorServer(
                    config.listen(), config.security(), hub, version, writer.isPresent(), durable, upgrades, refusals);
        } catch (RuntimeException e) {
            upgrades.close();
            refusals.close();
            writer.ifPresent(StoreWriter::close);
            metrics.close();
            throw e;
        }
        return new Coordinator(hub, server, writer, upgrades, refusals, metrics, config, version);
    }

    /** The stored fleet is authoritative: operators may have changed its members since the configuration was written. */
    private static Fleet resumed(Fleet stored, CoordinatorConfig config) {
        if (!stored.members().equals(new TreeSet<>(config.regions()))) {
            log.warn(
                    "The configuration lists member regions {}, but the fleet's stored members are {} (changed with "
                            + "'muster region add|remove'); the stored members are used",
                    config.regions(),
                    stored.members());
        }
        return stored;
    }

    public static Coordinator start(CoordinatorConfig config, String version) throws IOException {
        Coordinator coordinator = create(config, version);
        try {
            coordinator.start();
            coordinator.serveMetrics();
        } catch (IOException | RuntimeException e) {
            coordinator.close();
            throw e;
        }
        return coordinator;
    }

    /**
     * Listens for agents and operators.
     *
     * @throws IOException when the port cannot be listened on
     */
    public void start() throws IOException {
        server.start();
        log.info(
                "muster {} coordinating member regions {}", version, hub.fleet().members());
        TransportSecurity security = config.security();
        switch (security.mode()) {
            case MUTUAL_TLS ->
                log.info(
                        "Mutual TLS: agents and operators are who their certificates (from {}) say, in "
                                + "trust domain '{}'; operators: {}",
                        security.tls().orElseThrow().ca(),
                        security.trustDomain(),
                        security.operators().isEmpty()
                                ? "none listed, so every muster command is refused"
                                : security.operators().roles());
            case PLAINTEXT_LOOPBACK ->
                log.warn(
                        "No tls in the configuration: serving plaintext on loopback address {}; "
                                + "anyone who can run a command on this host drives the fleet",
                        config.listen());
            case INSECURE ->
                log.warn(
                        "INSECURE: serving plaintext on {} (insecure: true): anyone who reaches this port "
                                + "can claim any region and release anything; configure tls",
                        config.listen());
        }
    }

    /**
     * Serves metrics, if the configuration asks for them ({@code metrics.port}).
     *
     * @throws IOException when the port cannot be listened on
     */
    public void serveMetrics() throws IOException {
        metrics.serve(config.metrics());
    }

    /** The port metrics are served on, if they are. */
    public Optional<Integer> metricsPort() {
        return metrics.port();
    }

    /** The writer of the fleet's database, if it has one. */
    public Optional<StoreWriter> store() {
        return writer;
    }

    public FleetHub hub() {
        return hub;
    }

    public int port() {
        return server.port();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        try {
            upgrades.close();
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            refusals.close();
            writer.ifPresent(StoreWriter::close);
            metrics.close();
        }
    }
}
