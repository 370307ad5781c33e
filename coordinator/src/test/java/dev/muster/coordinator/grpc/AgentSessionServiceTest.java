package dev.muster.coordinator.grpc;

import static dev.muster.coordinator.grpc.AgentMessages.applied;
import static dev.muster.coordinator.grpc.AgentMessages.hello;
import static dev.muster.coordinator.grpc.AgentMessages.migration;
import static dev.muster.coordinator.grpc.AgentMessages.releaseRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new AgentSessionService(hub, COORDINATOR_VERSION), new PeerAddress()))
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
        assertThat(channel.awaitTermination(5, TimeUnit.SECONDS)).as("channel terminated").isTrue();
        assertThat(server.awaitTermination(5, TimeUnit.SECONDS)).as("server terminated").isTrue();
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
        assertThat(hub.fleet().region(1).orElseThrow().connection().orElseThrow().peer()).isNotEqualTo("unknown");
    }

    @Test
    void theGlobalWaitsThenGoesAsTheRemotesReport() throws Exception {
        AgentStream global = global();
        AgentStream region1 = remote(1, List.of(OLDER));
        AgentStream region2 = remote(2, List.of(OLDER));

        global.send(releaseRequest(V));
        CoordinatorMessage first = global.next();
        assertThat(first.hasWait()).isTrue();
        assertThat(first.getWait().getVersion()).isEqualTo(V);
        assertThat(first.getWait().getWaitingOnList()).extracting(b -> b.getRegion()).containsExactly(1, 2);
        assertThat(first.getWait().getWaitingOn(0).getReason()).isEqualTo("region 1 has not run migration " + V + " yet");

        region1.send(applied(migration(V)));
        CoordinatorMessage second = global.next();
        assertThat(second.getWait().getWaitingOnList()).extracting(b -> b.getRegion()).containsExactly(2);

        region2.send(applied(migration(V)));
        CoordinatorMessage third = global.next();
        assertThat(third.hasGo()).isTrue();
        assertThat(third.getGo().getUpToVersion()).isEqualTo(V);
        assertThat(global.pending()).isZero();
        assertThat(region1.pending()).isZero();
    }

    @Test
    void aChecksumMismatchIsAnsweredWithReject() throws Exception {
        AgentStream global = global();
        connect(hello(Hello.newBuilder().setRegion(1).setRole(Role.REMOTE)
                .addApplied(migration(V, 12345)).build()));

        global.send(releaseRequest(V));

        CoordinatorMessage message = global.next();
        assertThat(message.hasReject()).isTrue();
        assertThat(message.getReject().getReason())
                .contains("checksum mismatch for migration " + V)
                .contains("region 1 applied it with checksum 12345");
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
    void aReleaseRequestBeforeHelloEndsTheCallWithFailedPrecondition() throws Exception {
        AgentStream agent = AgentStream.open(stub).send(releaseRequest(V));

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
        AgentStream agent = AgentStream.open(stub).send(hello(Hello.newBuilder().setRegion(1).build()));

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
        connect(hello(Hello.newBuilder().setRegion(1).setRole(Role.REMOTE)
                .addAvailable(dev.muster.proto.v1.Migration.newBuilder().setVersion(V).setDescription("java")).build()));

        assertThat(hub.fleet().region(1).orElseThrow().available().get(V).checksum()).isEmpty();
    }
}
