package dev.muster.coordinator.grpc;

import static dev.muster.coordinator.grpc.AgentMessages.applied;
import static dev.muster.coordinator.grpc.AgentMessages.hello;
import static dev.muster.coordinator.grpc.AgentMessages.migration;
import static dev.muster.coordinator.grpc.AgentMessages.newInstance;
import static dev.muster.coordinator.grpc.AgentMessages.releaseRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.muster.coordinator.access.AccessPolicy;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.Role;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentSessionServiceTest {

    private static final String COORDINATOR_VERSION = "9.9.9-test";
    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";

    private FleetHub hub;
    private Server server;
    private ManagedChannel channel;
    private AgentServiceGrpc.AgentServiceStub stub;

    @BeforeEach
    void startServer() throws Exception {
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.systemUTC());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(ServerInterceptors.intercept(
                        new AgentSessionService(
                                hub,
                                COORDINATOR_VERSION,
                                () -> CompletableFuture.completedFuture(null),
                                new AccessPolicy(
                                        TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK)),
                                new RefusalLog(hub, Clock.systemUTC(), new SimpleMeterRegistry())),
                        new CallerInterceptor("muster", Optional.empty())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = AgentServiceGrpc.newStub(channel);
    }

    /** What GrpcCleanupRule does; sessions are long-lived, so they are cancelled rather than awaited. */
    @AfterEach
    void stopServer() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        assertThat(channel.awaitTermination(5, TimeUnit.SECONDS))
                .as("channel terminated")
                .isTrue();
        assertThat(server.awaitTermination(5, TimeUnit.SECONDS))
                .as("server terminated")
                .isTrue();
    }

    private AgentStream connect(AgentMessage hello) throws InterruptedException {
        AgentStream agent = AgentStream.open(stub).send(hello);
        assertThat(agent.next().getKindCase()).isEqualTo(CoordinatorMessage.KindCase.WELCOME);
        return agent;
    }

    private AgentStream remote(int region, List<String> applied) throws InterruptedException {
        return connect(hello(region, Role.REMOTE, applied, List.of(OLDER, V)));
    }

    private AgentStream global() throws InterruptedException {
        return connect(hello(GLOBAL, Role.GLOBAL, List.of(OLDER), List.of(OLDER, V)));
    }

    private boolean connected(int region) {
        return hub.fleet().region(region).map(RegionState::connected).orElse(false);
    }

    @Test
    void aHelloIsAnsweredWithWelcome() throws Exception {
        AgentStream agent = AgentStream.open(stub).send(hello(1, Role.REMOTE, List.of(), List.of(V)));

        CoordinatorMessage message = agent.next();

        assertThat(message.hasWelcome()).isTrue();
        assertThat(message.getWelcome().getCoordinatorVersion()).isEqualTo(COORDINATOR_VERSION);
        assertThat(message.getWelcome().getMemberRegionsList()).containsExactly(1, 2);
        assertThat(connected(1)).isTrue();
        assertThat(hub.fleet().region(1).orElseThrow().connections().get(0).peer())
                .isNotEqualTo("unknown");
    }

    @Test
    void theGlobalWaitsThenGoesAsTheRemotesReport() throws Exception {
        AgentStream global = global();
        AgentStream region1 = remote(1, List.of(OLDER));
        AgentStream region2 = remote(2, List.of(OLDER));

        global.send(releaseRequest(1, V));
        CoordinatorMessage first = global.next();
        assertThat(first.hasWait()).isTrue();
        assertThat(first.getWait().getRequestId()).isEqualTo(1);
        assertThat(first.getWait().getVersion()).isEqualTo(V);
        assertThat(first.getWait().getWaitingOnList())
                .extracting(b -> b.getRegion())
                .containsExactly(1, 2);
        assertThat(first.getWait().getWaitingOn(0).getReason())
                .isEqualTo("region 1 has not run migration " + V + " yet");

        region1.send(applied(migration(V)));
        CoordinatorMessage second = global.next();
        assertThat(second.getWait().getWaitingOnList())
                .extracting(b -> b.getRegion())
                .containsExactly(2);
        assertThat(second.getWait().getRequestId())
                .as("a changed wait answers the same request")
                .isEqualTo(1);

        region2.send(applied(migration(V)));
        CoordinatorMessage third = global.next();
        assertThat(third.hasGo()).isTrue();
        assertThat(third.getGo().getUpToVersion()).isEqualTo(V);
        assertThat(third.getGo().getRequestId()).isEqualTo(1);
        assertThat(global.pending()).isZero();
        assertThat(region1.pending()).isZero();
    }

    @Test
    void aChecksumMismatchIsAnsweredWithReject() throws Exception {
        AgentStream global = global();
        connect(hello(Hello.newBuilder()
                .setRegion(1)
                .setRole(Role.REMOTE)
                .addApplied(migration(V, 12345))
                .build()));

        global.send(releaseRequest(4, V));

        CoordinatorMessage message = global.next();
        assertThat(message.hasReject()).isTrue();
        assertThat(message.getReject().getRequestId()).isEqualTo(4);
        assertThat(message.getReject().getReason())
                .contains("checksum mismatch for migration " + V)
                .contains("region 1 applied it with checksum 12345");
    }

    @Test
    void aNewerRequestIsAnsweredWithItsOwnIdAndSoIsEveryLaterChange() throws Exception {
        AgentStream global = global();
        AgentStream region1 = remote(1, List.of(OLDER));
        AgentStream region2 = remote(2, List.of(OLDER));
        global.send(releaseRequest(1, V));
        assertThat(global.next().getWait().getRequestId()).isEqualTo(1);

        global.send(releaseRequest(2, V));
        CoordinatorMessage sameWait = global.next();
        region1.send(applied(migration(V)));
        CoordinatorMessage changedWait = global.next();
        region2.send(applied(migration(V)));
        CoordinatorMessage go = global.next();

        assertThat(sameWait.getWait().getWaitingOnList())
                .extracting(b -> b.getRegion())
                .containsExactly(1, 2);
        assertThat(sameWait.getWait().getRequestId()).isEqualTo(2);
        assertThat(changedWait.getWait().getRequestId()).isEqualTo(2);
        assertThat(go.getGo().getRequestId()).isEqualTo(2);
        assertThat(global.pending()).isZero();
    }

    @Test
    void aRemoteThatAsksIsAnsweredRejectWithTheIdOfItsRequestAndItsSessionGoesOn() throws Exception {
        AgentStream region1 = remote(1, List.of());

        region1.send(releaseRequest(77, OLDER, V));

        CoordinatorMessage message = region1.next();
        assertThat(message.getReject().getRequestId()).isEqualTo(77);
        assertThat(message.getReject().getReason()).contains("region 1 is a remote, and a remote does not ask");
        assertThat(region1.isClosed()).isFalse();
        assertThat(connected(1)).isTrue();
    }

    @Test
    void aSecondAgentForTheSameRegionIsRejectedAndItsCallCompletes() throws Exception {
        AgentStream first = remote(1, List.of());

        AgentStream second = AgentStream.open(stub).send(hello(1, Role.REMOTE, List.of(), List.of()));

        CoordinatorMessage message = second.next();
        assertThat(message.hasReject()).isTrue();
        assertThat(message.getReject().getReason()).contains("two agents claim region 1");
        assertThat(second.awaitClosed().getCode()).isEqualTo(Status.Code.OK);
        assertThat(first.isClosed()).isFalse();
        assertThat(connected(1)).isTrue();
    }

    @Test
    void messagesSentAfterARefusedHelloAreIgnored() throws Exception {
        AgentStream first = remote(1, List.of());

        AgentStream refused = AgentStream.open(stub)
                .send(hello(1, Role.REMOTE, List.of(), List.of()))
                .send(releaseRequest(1, V))
                .send(hello(2, Role.REMOTE, List.of(), List.of()));

        assertThat(refused.next().hasReject()).isTrue();
        assertThat(refused.awaitClosed().getCode())
                .as("not a protocol violation")
                .isEqualTo(Status.Code.OK);
        assertThat(refused.pending()).isZero();
        assertThat(hub.fleet().region(2)).as("region 2 not claimed").isEmpty();
        assertThat(first.isClosed()).isFalse();
        assertThat(connected(1)).isTrue();
    }

    @Test
    void theSameAgentReconnectingEndsItsOldCallWithUnavailableAndKeepsItsRegion() throws Exception {
        String instance = newInstance();
        AgentStream old = connect(hello(instance, 1, Role.REMOTE, List.of(), List.of(OLDER, V)));

        AgentStream renewed = connect(hello(instance, 1, Role.REMOTE, List.of(OLDER), List.of(OLDER, V)));

        Status status = old.awaitClosed();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("superseded by a newer session");
        assertThat(old.pending()).isZero();
        assertThat(renewed.isClosed()).isFalse();
        assertThat(connected(1)).isTrue();
        assertThat(hub.fleet().region(1).orElseThrow().applied()).containsOnlyKeys(OLDER);
        renewed.send(releaseRequest(1, V));
        assertThat(renewed.next().getReject().getRequestId())
                .as("the renewed session is the one answered")
                .isEqualTo(1);
    }

    @Test
    void theGlobalReconnectingWhileItsOldCallLooksLiveIsWelcomedAndAnswered() throws Exception {
        String instance = newInstance();
        AgentStream old = connect(hello(instance, GLOBAL, Role.GLOBAL, List.of(OLDER), List.of(OLDER, V)));
        remote(1, List.of(OLDER, V));
        remote(2, List.of(OLDER, V));

        AgentStream renewed = connect(hello(instance, GLOBAL, Role.GLOBAL, List.of(OLDER), List.of(OLDER, V)));
        renewed.send(releaseRequest(5, V));

        assertThat(old.awaitClosed().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        CoordinatorMessage go = renewed.next();
        assertThat(go.getGo().getUpToVersion()).isEqualTo(V);
        assertThat(go.getGo().getRequestId()).isEqualTo(5);
    }

    @Test
    void aReleaseRequestBeforeHelloEndsTheCallWithFailedPrecondition() throws Exception {
        AgentStream agent = AgentStream.open(stub).send(releaseRequest(1, V));

        Status status = agent.awaitClosed();

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("came before hello");
    }

    @Test
    void aSecondHelloEndsTheCallAndFreesTheRegion() throws Exception {
        AgentStream agent = remote(1, List.of());

        agent.send(hello(1, Role.REMOTE, List.of(), List.of()));

        assertThat(agent.awaitClosed().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(connected(1)).isFalse();
    }

    @Test
    void aHelloWithoutARoleEndsTheCallWithFailedPrecondition() throws Exception {
        AgentStream agent = AgentStream.open(stub)
                .send(hello(Hello.newBuilder().setRegion(1).build()));

        Status status = agent.awaitClosed();

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("has no role");
        assertThat(hub.fleet().region(1)).isEmpty();
    }

    @Test
    void anEmptyMessageEndsTheCallWithFailedPrecondition() throws Exception {
        AgentStream agent = remote(1, List.of());

        agent.send(AgentMessage.getDefaultInstance());

        Status status = agent.awaitClosed();
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("empty message").contains(COORDINATOR_VERSION);
    }

    @Test
    void whenTheAgentHalfClosesTheCoordinatorCompletesTheCallAfterHandlingEverything() throws Exception {
        AgentStream agent = remote(1, List.of(OLDER));
        agent.send(applied(migration(V)));

        agent.halfClose();

        assertThat(agent.awaitClosed().getCode()).isEqualTo(Status.Code.OK);
        RegionState state = hub.fleet().region(1).orElseThrow();
        assertThat(state.applied()).containsKeys(OLDER, V);
        assertThat(state.connected()).isFalse();
    }

    @Test
    void anAgentThatCancelsIsDisconnectedSoItsRegionCanBeClaimedAgain() throws Exception {
        AgentStream agent = remote(1, List.of());

        agent.cancel();

        await().atMost(Duration.ofSeconds(AgentStream.TIMEOUT_SECONDS)).until(() -> !connected(1));
        AgentStream again = remote(1, List.of(V));
        assertThat(again.isClosed()).isFalse();
        assertThat(hub.fleet().region(1).orElseThrow().applied()).containsOnlyKeys(V);
    }

    @Test
    void aMigrationWithoutAChecksumCrossesTheWireAsNone() throws Exception {
        connect(hello(Hello.newBuilder()
                .setRegion(1)
                .setRole(Role.REMOTE)
                .addAvailable(
                        dev.muster.proto.v1.Migration.newBuilder().setVersion(V).setDescription("java"))
                .build()));

        assertThat(hub.fleet().region(1).orElseThrow().available().get(V).checksum())
                .isEmpty();
    }

    @Test
    void aReplicationReportCrossesTheWireIntoTheRegionsState() throws Exception {
        AgentStream global = global();
        ReplicationReport report = ReplicationReport.newBuilder()
                .setTakenAt(Timestamp.newBuilder().setSeconds(1_587_753_222L).setNanos(5))
                .addSubscriptions(SubscriptionHealth.newBuilder()
                        .setName("region_1_subscription")
                        .setRegion(1)
                        .setConfigured(true)
                        .setExists(true)
                        .setEnabled(false)
                        .setReceivedLsn("0/3000060")
                        .setApplyErrors(3)
                        .setTablesNotReady(2))
                .addSubscriptions(SubscriptionHealth.newBuilder()
                        .setName("legacy")
                        .setExists(true)
                        .setEnabled(true)
                        .setWorkerRunning(true))
                .build();

        global.send(AgentMessage.newBuilder().setReplicationReport(report).build());

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        hub.fleet().region(GLOBAL).orElseThrow().replication().isPresent());
        ReplicationHealth health =
                hub.fleet().region(GLOBAL).orElseThrow().replication().orElseThrow();
        assertThat(health.takenAt()).isEqualTo(Instant.ofEpochSecond(1_587_753_222L, 5));
        assertThat(health.subscriptions())
                .containsExactly(
                        new ReplicationHealth.Subscription(
                                "region_1_subscription",
                                OptionalInt.of(1),
                                true,
                                true,
                                false,
                                false,
                                Optional.of("0/3000060"),
                                Optional.empty(),
                                Optional.empty(),
                                OptionalLong.of(3),
                                2,
                                Optional.empty()),
                        new ReplicationHealth.Subscription(
                                "legacy",
                                OptionalInt.empty(),
                                false,
                                true,
                                true,
                                true,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                OptionalLong.empty(),
                                0,
                                Optional.empty()));
        assertThat(health.publication()).isEmpty();
        assertThat(health.problems()).containsExactly("subscription region_1_subscription is disabled");
    }

    @Test
    void aRemotesPublicationAndSlotsCrossTheWire() throws Exception {
        AgentStream region1 = remote(1, List.of(OLDER));
        ReplicationReport report = ReplicationReport.newBuilder()
                .setTakenAt(Timestamp.newBuilder().setSeconds(1))
                .setPublication(PublicationHealth.newBuilder()
                        .setName("miq")
                        .setExists(true)
                        .setTables(2)
                        .addNotYetPublished("public.vms"))
                .addSlots(SlotHealth.newBuilder()
                        .setName("region_1_subscription")
                        .setRetainedBytes(4096)
                        .setWalStatus("reserved"))
                .build();

        region1.send(AgentMessage.newBuilder().setReplicationReport(report).build());

        await().atMost(Duration.ofSeconds(30))
                .until(() -> hub.fleet().region(1).orElseThrow().replication().isPresent());
        ReplicationHealth health =
                hub.fleet().region(1).orElseThrow().replication().orElseThrow();
        assertThat(health.publication())
                .contains(new ReplicationHealth.Publication("miq", true, 2, List.of("public.vms"), List.of()));
        assertThat(health.slots())
                .containsExactly(new ReplicationHealth.Slot(
                        "region_1_subscription",
                        false,
                        OptionalLong.of(4096),
                        Optional.of("reserved"),
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        Optional.empty()));
    }
}
