package dev.muster.coordinator.cli;

import dev.muster.common.BuildInfo;
import dev.muster.common.config.ConfigException;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code muster serve}: runs the coordinator until it is stopped (SIGTERM or SIGINT). */
@Command(
        name = "serve",
        description = "Run the coordinator: accept agent sessions and release the global's migrations.")
final class ServeCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The coordinator's configuration, e.g. /etc/muster/coordinator.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        CoordinatorConfig settings = CoordinatorConfig.load(config);
        Coordinator coordinator = Coordinator.create(settings, BuildInfo.version());
        // Before it listens, so that a SIGTERM at any moment stops it cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(coordinator::close, "muster-shutdown"));
        try {
            coordinator.start();
        } catch (IOException e) {
            throw new ConfigException(
                    config, "listen", "cannot listen on " + settings.listen() + ": " + e.getMessage(), e);
        }
        try {
            coordinator.serveMetrics();
        } catch (IOException e) {
            throw new ConfigException(config, "metrics.port", e.getMessage(), e);
        }
        coordinator.awaitTermination();
        return 0;
    }
}
