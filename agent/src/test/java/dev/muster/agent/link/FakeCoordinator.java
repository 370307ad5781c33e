package dev.muster.agent.link;

import static org.awaitility.Awaitility.await;

import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.Blocker;
import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.CommandResult;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;

/**
 * The coordinator's side of agent sessions, as a test scripts it: it welcomes every Hello
 * (or refuses the first few, if told to), records what each session receives, sends what
 * the test pushes and, unless told not to, completes a call once the agent half-closes it.
 * Everything it sends goes out on one thread of its own, in order, so that a test never
 * blocks on the agent's locks.
 */
public final class FakeCoordinator extends AgentServiceGrpc.AgentServiceImplBase implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final List<AgentCall> calls = new CopyOnWriteArrayList<>();
    private final ExecutorService outbox = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-coordinator-outbox");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger refusalsLeft = new AtomicInteger();
    private volatile String refusalReason;
    private volatile boolean completeOnHalfClose = true;
    private Server server;

    /** A coordinator for the in-process server {@code name}; it does not listen until {@link #start()}. */
    private volatile Status denial;

    public FakeCoordinator(String name) {
        this.name = name;
    }

    public FakeCoordinator start() throws IOException {
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(this)
                .build()
                .start();
        return this;
    }

    /** Whether a half-closed call is completed at once (the default) or left to {@link AgentCall#complete()}. */
    public void completeOnHalfClose(boolean complete) {
        completeOnHalfClose = complete;
    }

    /**
     * Refuses the Hello of the next {@code sessions} sessions as a coordinator refuses an
     * agent it cannot admit: a Reject with request id 0 instead of a Welcome, then the end of the call.
     */
    public void refuseSessions(int sessions, String reason) {
        refusalReason = reason;
        refusalsLeft.set(sessions);
    }

    /**
     * Ends every session at its Hello with {@code status}, as a coordinator turns away an
     * agent its certificate does not allow (PERMISSION_DENIED, UNAUTHENTICATED).
     */
    public void denySessions(Status status) {
        denial = status;
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

    /** A wait that answers release request {@code requestId}. */
    public static CoordinatorMessage waitFor(long requestId, String version, int... regions) {
        Wait.Builder wait = Wait.newBuilder().setVersion(version).setRequestId(requestId);
        for (int region : regions) {
            wait.addWaitingOn(Blocker.newBuilder()
                    .setRegion(region)
                    .setReason("region " + region + " has not run migration " + version + " yet"));
        }
        return CoordinatorMessage.newBuilder().setWait(wait).build();
    }

    /** The same wait as {@link #waitFor} with other reasons: what a coordinator re-sends when only those change. */
    public static CoordinatorMessage waitForBecause(long requestId, String version, String reason, int... regions) {
        Wait.Builder wait = Wait.newBuilder().setVersion(version).setRequestId(requestId);
        for (int region : regions) {
            wait.addWaitingOn(Blocker.newBuilder().setRegion(region).setReason(reason));
        }
        return CoordinatorMessage.newBuilder().setWait(wait).build();
    }

    /** A Go that answers release request {@code requestId}. */
    public static CoordinatorMessage go(long requestId, String upToVersion) {
        return CoordinatorMessage.newBuilder()
                .setGo(Go.newBuilder().setUpToVersion(upToVersion).setRequestId(requestId))
                .build();
    }

    /** The refusal of release request {@code requestId}. */
    public static CoordinatorMessage reject(long requestId, String reason) {
        return CoordinatorMessage.newBuilder()
                .setReject(Reject.newBuilder().setReason(reason).setRequestId(requestId))
                .build();
    }

    /** The refusal of a whole session, before Welcome: a Reject with request id 0. */
    public static CoordinatorMessage refusal(String reason) {
        return reject(0, reason);
    }

    /** A step of an operator's upgrade for a daemon, e.g. {@code command(Command.newBuilder().setCommandId(1)...)}. */
    public static CoordinatorMessage command(Command command) {
        return CoordinatorMessage.newBuilder().setCommand(command).build();
    }

    /** One agent session as the coordinator sees it. */
    public final class AgentCall implements StreamObserver<AgentMessage> {

        private final ServerCallStreamObserver<CoordinatorMessage> responses;
        private final List<AgentMessage> received = new CopyOnWriteArrayList<>();
        private volatile boolean halfClosed;
        private volatile boolean cancelled;
        private boolean ended; // only touched on the outbox thread

        AgentCall(ServerCallStreamObserver<CoordinatorMessage> responses) {
            this.responses = responses;
            // Without a handler, sending on a cancelled call throws.
            responses.setOnCancelHandler(() -> cancelled = true);
        }

        @Override
        public void onNext(AgentMessage message) {
            received.add(message);
            if (message.hasHello() && denial != null) {
                fail(denial);
            } else if (message.hasHello() && refusalsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                send(refusal(refusalReason));
                complete();
            } else if (message.hasHello()) {
                send(CoordinatorMessage.newBuilder()
                        .setWelcome(Welcome.newBuilder()
                                .setCoordinatorVersion("fake")
                                .addAllMemberRegions(List.of(1, 2)))
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
                if (!cancelled && !ended) {
                    responses.onNext(message);
                }
            });
        }

        /** Completes the call, unless it has ended already (e.g. refused, then half-closed by the agent). */
        public void complete() {
            outbox.execute(() -> {
                if (!ended) {
                    ended = true;
                    responses.onCompleted();
                }
            });
        }

        /** Ends the call with an error, as a coordinator that goes away does. */
        public void fail(Status status) {
            outbox.execute(() -> {
                if (!ended) {
                    ended = true;
                    responses.onError(status.asRuntimeException());
                }
            });
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
            return received.stream()
                    .filter(AgentMessage::hasReleaseRequest)
                    .map(message -> message.getReleaseRequest().getPendingList().stream()
                            .map(dev.muster.proto.v1.Migration::getVersion)
                            .toList())
                    .toList();
        }

        /** Checksums of every ReleaseRequest received, one list per request. */
        public List<List<Integer>> releaseRequestChecksums() {
            return received.stream()
                    .filter(AgentMessage::hasReleaseRequest)
                    .map(message -> message.getReleaseRequest().getPendingList().stream()
                            .map(dev.muster.proto.v1.Migration::getChecksum)
                            .toList())
                    .toList();
        }

        /** The id of every ReleaseRequest received, in order. */
        public List<Long> requestIds() {
            return received.stream()
                    .filter(AgentMessage::hasReleaseRequest)
                    .map(message -> message.getReleaseRequest().getRequestId())
                    .toList();
        }

        /** The id of the latest ReleaseRequest received: the one a coordinator answers. */
        public long lastRequestId() {
            List<Long> ids = requestIds();
            if (ids.isEmpty()) {
                throw new IllegalStateException("no release request received on this session yet");
            }
            return ids.get(ids.size() - 1);
        }

        /** Every CommandResult received, in order. */
        public List<CommandResult> commandResults() {
            return received.stream()
                    .filter(AgentMessage::hasCommandResult)
                    .map(AgentMessage::getCommandResult)
                    .toList();
        }

        /** Versions of every MigrationApplied received, in order. */
        public List<String> appliedReports() {
            return received.stream()
                    .filter(AgentMessage::hasMigrationApplied)
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
