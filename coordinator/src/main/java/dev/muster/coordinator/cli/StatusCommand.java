package dev.muster.coordinator.cli;

import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.GetStatusRequest;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code muster status}: one row per region. */
@Command(
        name = "status",
        description = {
            "Show the fleet: per region its role, whether its agent is connected, the migration it has applied,",
            "how many are pending, what it waits on, and its replication health."
        })
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Override
    public Integer call() {
        FleetStatus status;
        try (AdminClient client = options.connect()) {
            status = client.call(stub -> stub.getStatus(GetStatusRequest.getDefaultInstance()));
        }
        spec.commandLine()
                .getOut()
                .println(options.json() ? Json.pretty(status) : StatusView.render(status, Instant.now()));
        return 0;
    }
}
