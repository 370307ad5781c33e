package dev.muster.coordinator.grpc;

import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One operator's {@code watch}: events go out as fast as the client reads them. The hub
 * hands events over under its lock, so they are queued here and never block it; a client
 * that falls too far behind is cut off rather than let the queue grow without end.
 */
final class WatchStream implements FleetObserver {

    static final int MAX_BACKLOG = 10_000;

    private final ServerCallStreamObserver<dev.muster.proto.v1.FleetEvent> call;
    private final Deque<dev.muster.proto.v1.FleetEvent> backlog = new ArrayDeque<>();
    private final Consumer<WatchStream> cutOff;
    private boolean closed;

    /** @param cutOff told when this stream ends because its client fell behind */
    WatchStream(ServerCallStreamObserver<dev.muster.proto.v1.FleetEvent> call, Consumer<WatchStream> cutOff) {
        this.call = call;
        this.cutOff = cutOff;
        call.setOnReadyHandler(this::drain);
    }

    @Override
    public synchronized void changed(Fleet fleet, List<FleetEvent> events) {
        if (closed) {
            return;
        }
        events.forEach(event -> backlog.add(AdminMapping.event(event)));
        if (backlog.size() > MAX_BACKLOG) {
            closed = true;
            backlog.clear();
            call.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("this watcher fell more than " + MAX_BACKLOG + " events behind; watch again")
                    .asRuntimeException());
            cutOff.accept(this);
            return;
        }
        drain();
    }

    synchronized void cancelled() {
        closed = true;
        backlog.clear();
    }

    private synchronized void drain() {
        while (!closed && !backlog.isEmpty() && call.isReady() && !call.isCancelled()) {
            call.onNext(backlog.poll());
        }
    }
}
