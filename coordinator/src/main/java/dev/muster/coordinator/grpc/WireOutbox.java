package dev.muster.coordinator.grpc;

import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.coordinator.steps.Step;
import dev.muster.proto.v1.CoordinatorMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.SortedSet;

/**
 * One session's outgoing stream. A stream observer must not be called concurrently, and
 * the hub and the session's own callbacks both write to it, so every write is serialized
 * here; writes after the call has ended are dropped.
 */
final class WireOutbox implements Outbox {

    private final ServerCallStreamObserver<CoordinatorMessage> call;
    private final WelcomeMessages welcomes;
    private boolean closed;

    WireOutbox(ServerCallStreamObserver<CoordinatorMessage> call, WelcomeMessages welcomes) {
        this.call = call;
        this.welcomes = welcomes;
    }

    @Override
    public void welcome(SortedSet<Integer> memberRegions) {
        send(welcomes.of(memberRegions));
    }

    @Override
    public void release(long requestId, Release release) {
        send(ProtoMapping.release(requestId, release));
    }

    @Override
    public void refuse(String reason) {
        send(CoordinatorMessage.newBuilder()
                .setReject(ProtoMapping.reject(reason))
                .build());
        complete();
    }

    @Override
    public void supersede() {
        fail(Status.UNAVAILABLE.withDescription("superseded by a newer session of the same agent"));
    }

    @Override
    public void command(long commandId, Step step) {
        send(ProtoMapping.command(commandId, step));
    }

    synchronized void complete() {
        if (!closed) {
            closed = true;
            call.onCompleted();
        }
    }

    synchronized void fail(Status status) {
        if (!closed) {
            closed = true;
            call.onError(status.asRuntimeException());
        }
    }

    synchronized void cancelled() {
        closed = true;
    }

    /** Whether the call is over: refused, superseded, failed or cancelled. */
    synchronized boolean isClosed() {
        return closed;
    }

    private synchronized void send(CoordinatorMessage message) {
        if (!closed && !call.isCancelled()) {
            call.onNext(message);
        }
    }
}
