package dev.muster.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One agent's side of a session, as a test drives it: send, then take what came back, with timeouts. */
final class AgentStream implements ClientResponseObserver<AgentMessage, CoordinatorMessage> {

    static final long TIMEOUT_SECONDS = 5;

    private final BlockingQueue<CoordinatorMessage> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<AgentMessage> requests;

    static AgentStream open(AgentServiceGrpc.AgentServiceStub stub) {
        AgentStream stream = new AgentStream();
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).session(stream);
        return stream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
        this.requests = requestStream;
    }

    @Override
    public void onNext(CoordinatorMessage message) {
        received.add(message);
    }

    @Override
    public void onError(Throwable t) {
        closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        closed.complete(Status.OK);
    }

    AgentStream send(AgentMessage message) {
        requests.onNext(message);
        return this;
    }

    void halfClose() {
        requests.onCompleted();
    }

    void cancel() {
        requests.cancel("the agent is going away", null);
    }

    /** The next message from the coordinator; fails the test if none comes in time. */
    CoordinatorMessage next() throws InterruptedException {
        CoordinatorMessage message = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(message)
                .as("a message from the coordinator within %d seconds", TIMEOUT_SECONDS)
                .isNotNull();
        return message;
    }

    /** How the coordinator ended the call (OK when it completed it); fails the test if it does not in time. */
    Status awaitClosed() throws Exception {
        return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** Messages that arrived and were not taken yet. */
    int pending() {
        return received.size();
    }
}
