package dev.muster.coordinator.grpc;

import dev.muster.proto.v1.CoordinatorMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of one call, without a transport: remembers what the service sent on it
 * and how the service ended it, and fails on a write after the end, as gRPC would.
 */
final class RecordingCall extends ServerCallStreamObserver<CoordinatorMessage> {

    private final List<CoordinatorMessage> sent = new ArrayList<>();
    private Status endedWith;

    @Override
    public synchronized void onNext(CoordinatorMessage message) {
        if (endedWith != null) {
            throw new IllegalStateException("a message was sent after the call ended with " + endedWith);
        }
        sent.add(message);
    }

    @Override
    public synchronized void onError(Throwable t) {
        end(Status.fromThrowable(t));
    }

    @Override
    public synchronized void onCompleted() {
        end(Status.OK);
    }

    private void end(Status status) {
        if (endedWith != null) {
            throw new IllegalStateException("the call was ended twice: " + endedWith + ", then " + status);
        }
        endedWith = status;
    }

    synchronized List<CoordinatorMessage> sent() {
        return List.copyOf(sent);
    }

    /** How the service ended the call (OK when it completed it), or null while it goes on. */
    synchronized Status endedWith() {
        return endedWith;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancel) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReady) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
}
