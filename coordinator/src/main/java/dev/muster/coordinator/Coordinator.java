package dev.muster.coordinator;

import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.grpc.CoordinatorServer;
import dev.muster.coordinator.hub.FleetHub;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running coordinator: the fleet hub and the server agents talk to. Closing it stops both. */
public final class Coordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final FleetHub hub;
    private final CoordinatorServer server;
    private final CoordinatorConfig config;
    private final String version;

    private Coordinator(FleetHub hub, CoordinatorServer server, CoordinatorConfig config, String version) {
        this.hub = hub;
        this.server = server;
        this.config = config;
        this.version = version;
    }

    /** A coordinator that is not listening yet: {@link #start()} it. */
    public static Coordinator create(CoordinatorConfig config, String version) {
        FleetHub hub = new FleetHub(Fleet.withMembers(config.regions()), Clock.systemUTC());
        return new Coordinator(hub, new CoordinatorServer(config.listen(), hub, version), config, version);
    }

    public static Coordinator start(CoordinatorConfig config, String version) throws IOException {
        Coordinator coordinator = create(config, version);
        coordinator.start();
        return coordinator;
    }

    public void start() throws IOException {
        server.start();
        log.info("muster {} coordinating member regions {}", version, config.regions());
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
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
