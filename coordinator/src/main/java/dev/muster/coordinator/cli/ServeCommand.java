package dev.muster.coordinator.cli;

import dev.muster.common.BuildInfo;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code muster serve}: runs the coordinator until it is stopped (SIGTERM or SIGINT). */
@Command(name = "serve", description = "Run the coordinator: accept agent sessions and release the global's migrations.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The coordinator's configuration, e.g. /etc/muster/coordinator.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        Coordinator coordinator = Coordinator.start(CoordinatorConfig.load(config), BuildInfo.version());
        Runtime.getRuntime().addShutdownHook(new Thread(coordinator::close, "muster-shutdown"));
        coordinator.awaitTermination();
        return 0;
    }
}
