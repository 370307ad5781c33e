package dev.muster.coordinator.grpc;

import dev.muster.coordinator.access.AccessPolicy;
import dev.muster.coordinator.access.Caller;
import dev.muster.coordinator.access.Denial;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.ProtocolViolation;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Role;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Optional;
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
    private final AccessPolicy policy;
    private final RefusalLog refusals;
    private final AtomicLong sessionIds = new AtomicLong();
    private final WelcomeMessages welcomes;

    AgentSessionService(
            FleetHub hub,
            String coordinatorVersion,
            Supplier<CompletableFuture<Void>> stored,
            AccessPolicy policy,
            RefusalLog refusals) {
        this.hub = hub;
        this.coordinatorVersion = coordinatorVersion;
        this.stored = stored;
        this.policy = policy;
        this.refusals = refusals;
        this.welcomes = new WelcomeMessages(coordinatorVersion);
    }

    @Override
    public StreamObserver<AgentMessage> session(StreamObserver<CoordinatorMessage> responses) {
        ServerCallStreamObserver<CoordinatorMessage> call = (ServerCallStreamObserver<CoordinatorMessage>) responses;
        long sessionId = sessionIds.incrementAndGet();
        Caller caller = CallerInterceptor.current();
        String peer = caller.connection();
        WireOutbox outbox = new WireOutbox(call, welcomes);
        call.setOnCancelHandler(() -> {
            outbox.cancelled();
            hub.ended(sessionId);
        });
        Optional<Denial> denied = policy.agentSession(caller);
        if (denied.isPresent()) {
            turnAway(caller, caller.region().orElse(null), denied.get(), outbox);
        }
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
                    case HELLO -> hello(message.getHello());
                    case RELEASE_REQUEST ->
                        hub.requestRelease(
                                sessionId,
                                message.getReleaseRequest().getRequestId(),
                                message.getReleaseRequest().getPendingList().stream()
                                        .map(ProtoMapping::migration)
                                        .toList());
                    case MIGRATION_APPLIED ->
                        hub.applied(
                                sessionId,
                                ProtoMapping.migration(
                                        message.getMigrationApplied().getMigration()),
                                ProtoMapping.installation(
                                        message.getMigrationApplied().getMigration()));
                    case MIGRATION_FAILED ->
                        hub.failed(
                                sessionId,
                                message.getMigrationFailed().getVersion(),
                                message.getMigrationFailed().getError());
                    case REPLICATION_REPORT ->
                        hub.replicationReport(sessionId, ProtoMapping.replication(message.getReplicationReport()));
                    case CODE_REPORT ->
                        hub.codeRead(
                                sessionId,
                                ProtoMapping.code(message.getCodeReport()),
                                ProtoMapping.codeReadAt(message.getCodeReport(), Instant.now()));
                    case COMMAND_RESULT ->
                        hub.commandResult(
                                sessionId,
                                message.getCommandResult().getCommandId(),
                                ProtoMapping.result(message.getCommandResult()));
                    case KIND_NOT_SET ->
                        throw new ProtocolViolation("an empty message was sent; this coordinator "
                                + "may be older than the agent (coordinator " + coordinatorVersion + ")");
                }
            }

            private void hello(Hello hello) {
                Optional<Denial> denial = policy.hello(caller, hello.getRegion(), hello.getRole() == Role.GLOBAL);
                if (denial.isPresent()) {
                    // before the hub sees it: the fleet does not change for a refused claim
                    turnAway(caller, hello.getRegion(), denial.get(), outbox);
                } else {
                    hub.hello(sessionId, peer, ProtoMapping.hello(hello), outbox);
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
                var unused = stored.get().whenComplete((done, failure) -> outbox.complete());
            }
        };
    }

    private void turnAway(Caller caller, Integer region, Denial denial, WireOutbox outbox) {
        refusals.agentRefused(caller, region, denial);
        outbox.fail(DenialStatus.of(denial));
    }
}
