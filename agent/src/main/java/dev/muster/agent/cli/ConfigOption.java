package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option of every agent command. */
final class ConfigOption {

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The agent's configuration, e.g. /etc/muster/agent.yaml")
    Path file;

    AgentConfig load() {
        return AgentConfig.load(file);
    }
}
