package dev.muster.coordinator.grpc;

import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.ProtocolViolation;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agents' session endpoint: turns wire messages into calls on the hub, nothing more. */
final class AgentSessionService extends AgentServiceGrpc.AgentServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(AgentSessionService.class);

    private final FleetHub hub;
    private final String coordinatorVersion;
    private final Supplier<CompletableFuture<Void>> stored;
    private final AtomicLong sessionIds = new AtomicLong();

    AgentSessionService(FleetHub hub, String coordinatorVersion, Supplier<CompletableFuture<Void>> stored) {
        this.hub = hub;
        this.coordinatorVersion = coordinatorVersion;
        this.stored = stored;
    }

    @Override
    public StreamObserver<AgentMessage> session(StreamObserver<CoordinatorMessage> responses) {
        ServerCallStreamObserver<CoordinatorMessage> call = (ServerCallStreamObserver<CoordinatorMessage>) responses;
        long sessionId = sessionIds.incrementAndGet();
        String peer = PeerAddress.current();
        WireOutbox outbox = new WireOutbox(call, coordinatorVersion);
        call.setOnCancelHandler(() -> {
            outbox.cancelled();
            hub.ended(sessionId);
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(AgentMessage message) {
                if (outbox.isClosed()) {
                    // Refused, superseded or broken: what the agent sent meanwhile is moot.
                    return;
                }
                try {
                    dispatch(message);
                } catch (ProtocolViolation e) {
                    log.warn("Session {} from {} broke the protocol: {}", sessionId, peer, e.getMessage());
                    hub.ended(sessionId);
                    outbox.fail(Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
                }
            }

            private void dispatch(AgentMessage message) {
                switch (message.getKindCase()) {
                    // A refused hello has been answered and the call ended by the outbox.
                    case HELLO -> hub.hello(sessionId, peer, ProtoMapping.hello(message.getHello()), outbox);
                    case RELEASE_REQUEST -> hub.requestRelease(sessionId, message.getReleaseRequest().getRequestId(),
                            message.getReleaseRequest().getPendingList().stream().map(ProtoMapping::migration).toList());
                    case MIGRATION_APPLIED -> hub.applied(sessionId,
                            ProtoMapping.migration(message.getMigrationApplied().getMigration()),
                            ProtoMapping.installation(message.getMigrationApplied().getMigration()));
                    case MIGRATION_FAILED -> hub.failed(sessionId, message.getMigrationFailed().getVersion(),
                            message.getMigrationFailed().getError());
                    case REPLICATION_REPORT -> hub.replicationReport(sessionId,
                            ProtoMapping.replication(message.getReplicationReport()));
                    case COMMAND_RESULT -> hub.commandResult(sessionId, message.getCommandResult().getCommandId(),
                            ProtoMapping.result(message.getCommandResult()));
                    case KIND_NOT_SET -> throw new ProtocolViolation("an empty message was sent; this coordinator "
                            + "may be older than the agent (coordinator " + coordinatorVersion + ")");
                }
            }

            @Override
            public void onError(Throwable t) {
                hub.ended(sessionId);
            }

            @Override
            public void onCompleted() {
                // Everything the agent sent has been handled and stored: completing tells it so.
                // An agent whose reports a crash could still lose would not know to send them again.
                hub.ended(sessionId);
                stored.get().whenComplete((done, failure) -> outbox.complete());
            }
        };
    }
}
