package dev.muster.coordinator.cli;

import dev.muster.proto.v1.FleetEvent;
import dev.muster.proto.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster watch}: the fleet's event log, live. */
@Command(
        name = "watch",
        description = "Print the fleet's events as they happen, after the newest past ones, until stopped.")
final class WatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions options;

    @Option(
            names = "--history",
            paramLabel = "N",
            defaultValue = "20",
            description = "How many past events to print first (default: ${DEFAULT-VALUE})")
    int history;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (AdminClient client = options.connect()) {
            try {
                Iterator<FleetEvent> events = client.streaming()
                        .watch(WatchRequest.newBuilder()
                                .setHistory(Math.max(0, history))
                                .build());
                while (events.hasNext()) {
                    FleetEvent event = events.next();
                    out.println(options.json() ? Json.line(event) : line(event));
                    out.flush();
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.CANCELLED) {
                    return 0;
                }
                throw client.failure(e);
            }
        }
        return 0;
    }

    static String line(FleetEvent event) {
        Instant at = Instant.ofEpochSecond(
                        event.getAt().getSeconds(), event.getAt().getNanos())
                .truncatedTo(ChronoUnit.MILLIS);
        String region = event.hasRegion() ? "region " + event.getRegion() : "fleet";
        return at + "  " + region + "  " + event.getKind() + "  " + event.getDetail() + "  (" + event.getActor() + ")";
    }
}
