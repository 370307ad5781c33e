package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.common.BuildInfo;
import dev.muster.common.config.ConfigException;
import dev.muster.common.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code muster-agent run}: the agent's daemon, until it is stopped (SIGTERM or SIGINT). */
@Command(
        name = "run",
        description = {
            "Run the agent's daemon (a systemd service): keep the session with the coordinator up,",
            "reconnecting as needed, report this region's replication health on it every",
            "coordinator.report_interval, and carry out the steps of an operator's upgrade (muster",
            "upgrade) the coordinator sends: replication teardown, migrate --to, replication setup and",
            "verify, each as that command would with this --config. Runs until stopped."
        })
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig agent = config.load();
        MetricsEndpoint metrics = new MetricsEndpoint(
                List.of(Tag.of("application", "muster-agent"), Tag.of("region", String.valueOf(agent.region()))));
        try {
            metrics.serve(agent.metrics());
        } catch (IOException e) {
            metrics.close();
            throw new ConfigException(agent.file(), "metrics.port", e.getMessage(), e);
        }
        AgentDaemon daemon = AgentDaemon.create(agent, BuildInfo.version(), metrics.registry());
        // Before it starts, so that a SIGTERM at any moment stops it cleanly.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.close();
                            metrics.close();
                        },
                        "muster-shutdown"));
        daemon.start();
        daemon.awaitTermination();
        return 0;
    }
}
