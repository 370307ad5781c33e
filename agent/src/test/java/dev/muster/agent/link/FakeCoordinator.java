package dev.muster.agent.link;

import static org.awaitility.Awaitility.await;

import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.Blocker;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Go;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Reject;
import dev.muster.proto.v1.Wait;
import dev.muster.proto.v1.Welcome;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;

/**
 * The coordinator's side of agent sessions, as a test scripts it: it welcomes every Hello,
 * records what each session receives, sends what the test pushes and, unless told not to,
 * completes a call once the agent half-closes it. Everything it sends goes out on one
 * thread of its own, in order, so that a test never blocks on the agent's locks.
 */
public final class FakeCoordinator extends AgentServiceGrpc.AgentServiceImplBase implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final List<AgentCall> calls = new CopyOnWriteArrayList<>();
    private final ExecutorService outbox = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-coordinator-outbox");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean completeOnHalfClose = true;
    private Server server;

    /** A coordinator for the in-process server {@code name}; it does not listen until {@link #start()}. */
    public FakeCoordinator(String name) {
        this.name = name;
    }

    public FakeCoordinator start() throws IOException {
        server = InProcessServerBuilder.forName(name).directExecutor().addService(this).build().start();
        return this;
    }

    /** Whether a half-closed call is completed at once (the default) or left to {@link AgentCall#complete()}. */
    public void completeOnHalfClose(boolean complete) {
        completeOnHalfClose = complete;
    }

    /** Awaitility's {@code await()} with this fixture's timeout, polling often: sessions move in milliseconds. */
    public static ConditionFactory eventually() {
        return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    /** The {@code n}-th session (from 1), once it has begun; fails the test if it does not in time. */
    public AgentCall awaitCall(int n) {
        eventually().until(() -> calls.size() >= n);
        return calls.get(n - 1);
    }

    public int callCount() {
        return calls.size();
    }

    @Override
    public StreamObserver<AgentMessage> session(StreamObserver<CoordinatorMessage> responses) {
        AgentCall call = new AgentCall((ServerCallStreamObserver<CoordinatorMessage>) responses);
        calls.add(call);
        return call;
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        outbox.shutdownNow();
    }

    public static CoordinatorMessage waitFor(String version, int... regions) {
        Wait.Builder wait = Wait.newBuilder().setVersion(version);
        for (int region : regions) {
            wait.addWaitingOn(Blocker.newBuilder().setRegion(region)
                    .setReason("region " + region + " has not run migration " + version + " yet"));
        }
        return CoordinatorMessage.newBuilder().setWait(wait).build();
    }

    /** The same wait as {@link #waitFor} with other reasons: what a coordinator re-sends when only those change. */
    public static CoordinatorMessage waitForBecause(String version, String reason, int... regions) {
        Wait.Builder wait = Wait.newBuilder().setVersion(version);
        for (int region : regions) {
            wait.addWaitingOn(Blocker.newBuilder().setRegion(region).setReason(reason));
        }
        return CoordinatorMessage.newBuilder().setWait(wait).build();
    }

    public static CoordinatorMessage go(String upToVersion) {
        return CoordinatorMessage.newBuilder().setGo(Go.newBuilder().setUpToVersion(upToVersion)).build();
    }

    public static CoordinatorMessage reject(String reason) {
        return CoordinatorMessage.newBuilder().setReject(Reject.newBuilder().setReason(reason)).build();
    }

    /** One agent session as the coordinator sees it. */
    public final class AgentCall implements StreamObserver<AgentMessage> {

        private final ServerCallStreamObserver<CoordinatorMessage> responses;
        private final List<AgentMessage> received = new CopyOnWriteArrayList<>();
        private volatile boolean halfClosed;
        private volatile boolean cancelled;

        AgentCall(ServerCallStreamObserver<CoordinatorMessage> responses) {
            this.responses = responses;
            // Without a handler, sending on a cancelled call throws.
            responses.setOnCancelHandler(() -> cancelled = true);
        }

        @Override
        public void onNext(AgentMessage message) {
            received.add(message);
            if (message.hasHello()) {
                send(CoordinatorMessage.newBuilder()
                        .setWelcome(Welcome.newBuilder().setCoordinatorVersion("fake").addAllMemberRegions(List.of(1, 2)))
                        .build());
            }
        }

        @Override
        public void onError(Throwable t) {
            cancelled = true;
        }

        @Override
        public void onCompleted() {
            halfClosed = true;
            if (completeOnHalfClose) {
                complete();
            }
        }

        public void send(CoordinatorMessage message) {
            outbox.execute(() -> {
                if (!cancelled) {
                    responses.onNext(message);
                }
            });
        }

        public void complete() {
            outbox.execute(responses::onCompleted);
        }

        /** Ends the call with an error, as a coordinator that goes away does. */
        public void fail(Status status) {
            outbox.execute(() -> responses.onError(status.asRuntimeException()));
        }

        public List<AgentMessage> received() {
            return List.copyOf(received);
        }

        public List<AgentMessage.KindCase> kinds() {
            return received.stream().map(AgentMessage::getKindCase).toList();
        }

        public Hello hello() {
            eventually().until(() -> !received.isEmpty());
            return received.get(0).getHello();
        }

        /** Versions of every ReleaseRequest received, one list per request. */
        public List<List<String>> releaseRequests() {
            return received.stream().filter(AgentMessage::hasReleaseRequest)
                    .map(message -> List.copyOf(message.getReleaseRequest().getVersionsList()))
                    .toList();
        }

        /** Versions of every MigrationApplied received, in order. */
        public List<String> appliedReports() {
            return received.stream().filter(AgentMessage::hasMigrationApplied)
                    .map(message -> message.getMigrationApplied().getMigration().getVersion())
                    .toList();
        }

        public boolean halfClosed() {
            return halfClosed;
        }

        public boolean cancelled() {
            return cancelled;
        }
    }
}
