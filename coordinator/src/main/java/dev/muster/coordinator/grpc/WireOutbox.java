package dev.muster.coordinator.grpc;

import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Welcome;
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
    private final String coordinatorVersion;
    private boolean closed;

    WireOutbox(ServerCallStreamObserver<CoordinatorMessage> call, String coordinatorVersion) {
        this.call = call;
        this.coordinatorVersion = coordinatorVersion;
    }

    @Override
    public void welcome(SortedSet<Integer> memberRegions) {
        send(CoordinatorMessage.newBuilder()
                .setWelcome(Welcome.newBuilder()
                        .setCoordinatorVersion(coordinatorVersion)
                        .addAllMemberRegions(memberRegions))
                .build());
    }

    @Override
    public void release(Release release) {
        send(ProtoMapping.release(release));
    }

    @Override
    public void refuse(String reason) {
        send(CoordinatorMessage.newBuilder().setReject(ProtoMapping.reject(reason)).build());
        complete();
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

    private synchronized void send(CoordinatorMessage message) {
        if (!closed && !call.isCancelled()) {
            call.onNext(message);
        }
    }
}
