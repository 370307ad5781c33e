package dev.muster.coordinator.cli;

import dev.muster.proto.v1.ResumeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code muster resume}. */
@Command(name = "resume", description = "Let a paused fleet go on: waiting regions are released as the rule allows.")
final class ResumeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Override
    public Integer call() {
        try (AdminClient client = options.connect()) {
            return ChangePrinter.print(
                    spec,
                    options,
                    client.call(stub -> stub.resume(ResumeRequest.newBuilder().build())));
        }
    }
}
