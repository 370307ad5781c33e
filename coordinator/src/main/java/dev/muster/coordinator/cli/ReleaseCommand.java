package dev.muster.coordinator.cli;

import dev.muster.proto.v1.ForceReleaseRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster release --force V --reason TEXT}: the operator's explicit, audited override. */
@Command(
        name = "release",
        description = {
            "Release a migration to the global without waiting for every member. This overrides the",
            "fleet's safety rule: the global may then apply it before a remote has. It is recorded,",
            "with who did it and why, in the event log. A checksum mismatch still stops the global."
        })
final class ReleaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Option(
            names = "--force",
            required = true,
            paramLabel = "VERSION",
            description = "The migration version to release")
    String version;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for the event log")
    String reason;

    @Override
    public Integer call() {
        try (AdminClient client = options.connect()) {
            return ChangePrinter.print(
                    spec,
                    options,
                    client.call(stub -> stub.forceRelease(ForceReleaseRequest.newBuilder()
                            .setVersion(version)
                            .setReason(reason)
                            .build())));
        }
    }
}
