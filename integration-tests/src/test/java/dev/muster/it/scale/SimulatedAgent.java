package dev.muster.it.scale;

import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.MigrationApplied;
import dev.muster.proto.v1.ReleaseRequest;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One region's agent as the coordinator sees it: a real session on the agent service, saying
 * what an agent says (a Hello with its whole history, reports of migrations applied, the
 * global's release requests) and keeping what it hears back. Only the benchmark's driver
 * thread sends on it.
 */
final class SimulatedAgent implements StreamObserver<CoordinatorMessage> {

    private final int region;
    private final CompletableFuture<Long> welcomed = new CompletableFuture<>();
    private final ConcurrentMap<Long, CompletableFuture<Long>> waits = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, CompletableFuture<Long>> goes = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private StreamObserver<AgentMessage> requests;

    SimulatedAgent(int region) {
        this.region = region;
    }

    int region() {
        return region;
    }

    /** Opens the session on {@code channel} and says hello; {@link #welcomed()} completes with the Welcome's arrival. */
    void connect(Channel channel, Hello hello) {
        requests = AgentServiceGrpc.newStub(channel).session(this);
        send(AgentMessage.newBuilder().setHello(hello).build());
    }

    /** The nanoTime at which the Welcome arrived; fails if the session was refused or broke first. */
    CompletableFuture<Long> welcomed() {
        return welcomed;
    }

    void applied(Migration migration) {
        send(AgentMessage.newBuilder()
                .setMigrationApplied(MigrationApplied.newBuilder().setMigration(migration))
                .build());
    }

    void requestRelease(long requestId, List<Migration> pending) {
        waits.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        goes.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        send(AgentMessage.newBuilder()
                .setReleaseRequest(
                        ReleaseRequest.newBuilder().setRequestId(requestId).addAllPending(pending))
                .build());
    }

    /** The nanoTime of the first Wait answering {@code requestId}. */
    CompletableFuture<Long> firstWait(long requestId) {
        return waits.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    /** The nanoTime of the Go answering {@code requestId}. */
    CompletableFuture<Long> go(long requestId) {
        return goes.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    /** Half-closes the session; the returned future completes when the coordinator completes it. */
    CompletableFuture<Void> close() {
        if (requests != null) {
            requests.onCompleted();
        }
        return ended;
    }

    private void send(AgentMessage message) {
        requests.onNext(message);
    }

    @Override
    public void onNext(CoordinatorMessage message) {
        long now = System.nanoTime();
        switch (message.getKindCase()) {
            case WELCOME -> welcomed.complete(now);
            case WAIT -> firstWait(message.getWait().getRequestId()).complete(now);
            case GO -> go(message.getGo().getRequestId()).complete(now);
            case REJECT -> {
                IllegalStateException rejected = new IllegalStateException(
                        "region " + region + " rejected: " + message.getReject().getReason());
                welcomed.completeExceptionally(rejected);
                go(message.getReject().getRequestId()).completeExceptionally(rejected);
            }
            default -> {}
        }
    }

    @Override
    public void onError(Throwable t) {
        welcomed.completeExceptionally(t);
        ended.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        welcomed.completeExceptionally(new IllegalStateException("region " + region + "'s session ended unwelcomed"));
        ended.complete(null);
    }
}
