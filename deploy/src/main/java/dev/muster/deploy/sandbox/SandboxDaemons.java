package dev.muster.deploy.sandbox;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each region's agent daemon ({@code muster-agent run}) in this JVM, as a service on an
 * appliance would run it, each with its own metrics when the sandbox serves metrics.
 */
final class SandboxDaemons implements AutoCloseable {

    private final SandboxFleet fleet;
    private final Optional<Integer> coordinatorMetricsPort;
    private final List<AgentDaemon> daemons = new ArrayList<>();
    private final List<MetricsEndpoint> metrics = new ArrayList<>();

    /**
     * @param coordinatorMetricsPort where the coordinator serves its metrics; the daemons serve
     *                               theirs on the next ports, in the order of {@link SandboxFleet#regions}
     */
    SandboxDaemons(SandboxFleet fleet, Optional<Integer> coordinatorMetricsPort) {
        this.fleet = fleet;
        this.coordinatorMetricsPort = coordinatorMetricsPort;
    }

    /** Where region's daemon serves its metrics, if the sandbox serves metrics. */
    Optional<MetricsConfig> metrics(int region) {
        return coordinatorMetricsPort.map(
                port -> new MetricsConfig(port + 1 + fleet.regions().indexOf(region)));
    }

    /** Starts a daemon for every region on the code of {@code release}. */
    void start(String release) throws IOException {
        for (int region : fleet.regions()) {
            MetricsEndpoint endpoint = new MetricsEndpoint(
                    List.of(Tag.of("application", "muster-agent"), Tag.of("region", String.valueOf(region))));
            metrics.add(endpoint);
            endpoint.serve(metrics(region));
            AgentDaemon daemon =
                    AgentDaemon.create(AgentConfig.load(fleet.config(region, release)), "sandbox", endpoint.registry());
            daemons.add(daemon);
            daemon.start();
        }
    }

    void stop() {
        daemons.forEach(AgentDaemon::close);
        daemons.clear();
        metrics.forEach(MetricsEndpoint::close);
        metrics.clear();
    }

    @Override
    public void close() {
        stop();
    }
}
