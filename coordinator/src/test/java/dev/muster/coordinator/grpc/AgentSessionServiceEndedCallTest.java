package dev.muster.coordinator.grpc;

import static dev.muster.coordinator.grpc.AgentMessages.applied;
import static dev.muster.coordinator.grpc.AgentMessages.hello;
import static dev.muster.coordinator.grpc.AgentMessages.migration;
import static dev.muster.coordinator.grpc.AgentMessages.newInstance;
import static dev.muster.coordinator.grpc.AgentMessages.releaseRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.access.AccessPolicy;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Role;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What the session service does with messages that arrive on a call it has already ended
 * (refused, superseded or failed). Over a network they can: the agent sent them before it
 * learned that the call was over. The in-process transport drops them before the service
 * sees them, so these tests drive the service directly.
 */
class AgentSessionServiceEndedCallTest {

    private static final String V = "20200424183342";

    private final FleetHub hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.systemUTC());
    private final AgentSessionService service = new AgentSessionService(
            hub,
            "9.9.9-test",
            () -> CompletableFuture.completedFuture(null),
            new AccessPolicy(TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK)),
            new RefusalLog(hub, Clock.systemUTC(), new SimpleMeterRegistry()));

    /** One session: the service's end of the call and the observer the agent's messages go to. */
    private record Session(RecordingCall call, StreamObserver<AgentMessage> agent) {

        Session send(AgentMessage message) {
            agent.onNext(message);
            return this;
        }
    }

    private Session open() {
        RecordingCall call = new RecordingCall();
        return new Session(call, service.session(call));
    }

    private boolean connected(int region) {
        return hub.fleet().region(region).map(RegionState::connected).orElse(false);
    }

    @Test
    void aCallWhoseHelloWasRefusedCannotClaimARegionAfterwards() {
        Session first = open().send(hello(1, Role.REMOTE, List.of(), List.of(V)));

        Session refused = open().send(hello(1, Role.REMOTE, List.of(), List.of()))
                .send(releaseRequest(1, V))
                .send(hello(2, Role.REMOTE, List.of(), List.of()));

        assertThat(refused.call().sent()).singleElement().matches(CoordinatorMessage::hasReject);
        assertThat(refused.call().endedWith().getCode()).isEqualTo(Status.Code.OK);
        assertThat(hub.fleet().region(2)).as("region 2 not claimed").isEmpty();
        assertThat(first.call().endedWith()).isNull();
        assertThat(connected(1)).isTrue();
    }

    @Test
    void aSupersededCallCannotTakeItsRegionBack() {
        String instance = newInstance();
        Session old = open().send(hello(instance, 1, Role.REMOTE, List.of(), List.of(V)));
        Session renewed = open().send(hello(instance, 1, Role.REMOTE, List.of(), List.of(V)));

        old.send(applied(migration(V))).send(hello(instance, 1, Role.REMOTE, List.of(), List.of(V)));

        assertThat(old.call().endedWith().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(old.call().sent()).singleElement().matches(CoordinatorMessage::hasWelcome);
        assertThat(renewed.call().endedWith()).as("the newer session goes on").isNull();
        assertThat(renewed.call().sent()).singleElement().matches(CoordinatorMessage::hasWelcome);
        assertThat(hub.fleet().region(1).orElseThrow().applied()).isEmpty();
    }

    @Test
    void aCallThatBrokeTheProtocolCannotClaimARegionAfterwards() {
        Session broken = open().send(AgentMessage.getDefaultInstance());

        broken.send(hello(1, Role.REMOTE, List.of(), List.of(V)));

        assertThat(broken.call().endedWith().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(broken.call().sent()).isEmpty();
        assertThat(hub.fleet().region(1))
                .as("region 1 not claimed by a call that is over")
                .isEmpty();
    }
}
