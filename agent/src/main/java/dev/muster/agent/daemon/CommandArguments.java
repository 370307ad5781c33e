package dev.muster.agent.daemon;

import dev.muster.proto.v1.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code muster-agent} command line that carries out a coordinator's Command, as an operator would type it. */
final class CommandArguments {

    private CommandArguments() {}

    /**
     * The arguments after {@code muster-agent}, ending with {@code --config config}; empty
     * for an action this agent does not know (one a newer coordinator sends).
     */
    static Optional<List<String>> of(Command command, Path config) {
        // A switch expression: an action added to the proto does not compile until it is mapped here.
        Optional<List<String>> action = switch (command.getActionCase()) {
            case TEARDOWN ->
                Optional.of(List.of(
                        "replication",
                        "teardown",
                        "--mode",
                        command.getTeardown().getMode()));
            case MIGRATE ->
                Optional.of(
                        command.getMigrate().getTargetVersion().isEmpty()
                                ? List.of("migrate")
                                : List.of(
                                        "migrate", "--to", command.getMigrate().getTargetVersion()));
            case SETUP -> Optional.of(List.of("replication", "setup"));
            case VERIFY -> Optional.of(List.of("replication", "verify"));
            // no command line: the daemon reads its files itself, on its own thread
            case READ_CODE, ACTION_NOT_SET -> Optional.empty();
        };
        return action.map(args -> {
            List<String> withConfig = new ArrayList<>(args);
            withConfig.add("--config");
            withConfig.add(config.toString());
            return List.copyOf(withConfig);
        });
    }
}
