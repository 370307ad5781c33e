package dev.muster.coordinator.cli;

import dev.muster.proto.v1.PauseRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster pause --reason TEXT}. */
@Command(name = "pause", description = "Hold the fleet: nothing is released to the global until 'muster resume'.")
final class PauseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for the event log")
    String reason;

    @Override
    public Integer call() {
        try (AdminClient client = options.connect()) {
            return ChangePrinter.print(
                    spec,
                    options,
                    client.call(stub -> stub.pause(
                            PauseRequest.newBuilder().setReason(reason).build())));
        }
    }
}
