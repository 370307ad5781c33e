package dev.muster.agent.link;

import static dev.muster.agent.link.FakeCoordinator.eventually;
import static dev.muster.proto.v1.AgentMessage.KindCase.HELLO;
import static dev.muster.proto.v1.AgentMessage.KindCase.RELEASE_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.muster.agent.link.FakeCoordinator.AgentCall;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CoordinatorLinkTest {

    private static final String V1 = "20200101000001";
    private static final AgentMessage REQUEST = WireMessages.releaseRequest(List.of(V1));

    private final String name = InProcessServerBuilder.generateName();
    private final FakeCoordinator coordinator = new FakeCoordinator(name);
    private final BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger helloReads = new AtomicInteger();
    private volatile List<String> applied = List.of();
    private volatile RuntimeException helloFailure;
    private ManagedChannel channel;
    private CoordinatorLink link;

    @BeforeEach
    void openLink() {
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        link = new CoordinatorLink(channel, "test-coordinator", this::hello, events::add,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    @AfterEach
    void closeLink() throws InterruptedException {
        link.close();
        coordinator.close();
    }

    /** The region's state as the link reads it for each Hello: which read it was, and what is applied now. */
    private Hello hello() {
        int read = helloReads.incrementAndGet();
        RuntimeException failure = helloFailure;
        if (failure != null) {
            helloFailure = null;
            throw failure;
        }
        Hello.Builder hello = Hello.newBuilder().setRegion(1).setRole(Role.REMOTE).setAgentVersion("read-" + read);
        applied.forEach(version -> hello.addApplied(Migration.newBuilder().setVersion(version)));
        return hello.build();
    }

    private <T extends LinkEvent> T next(Class<T> type) throws InterruptedException {
        LinkEvent event = events.poll(FakeCoordinator.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(event).as("a link event within %s", FakeCoordinator.TIMEOUT).isInstanceOf(type);
        return type.cast(event);
    }

    @Test
    void helloIsTheFirstMessageOfEverySessionAndIsReadAfreshForEach() throws Exception {
        coordinator.start();
        link.start();

        LinkEvent.Connected connected = next(LinkEvent.Connected.class);
        assertThat(connected.session()).isEqualTo(1);
        assertThat(connected.welcome().getMemberRegionsList()).containsExactly(1, 2);
        AgentCall first = coordinator.awaitCall(1);
        assertThat(first.kinds()).containsExactly(HELLO);
        assertThat(first.hello().getAgentVersion()).isEqualTo("read-1");
        assertThat(first.hello().getAppliedList()).isEmpty();

        applied = List.of(V1);
        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        next(LinkEvent.Disconnected.class);

        assertThat(next(LinkEvent.Connected.class).session()).isEqualTo(2);
        AgentCall second = coordinator.awaitCall(2);
        assertThat(second.kinds()).containsExactly(HELLO);
        assertThat(second.hello().getAgentVersion()).isEqualTo("read-2");
        assertThat(second.hello().getAppliedList()).extracting(Migration::getVersion).containsExactly(V1);
    }

    @Test
    void sendReturnsTheSessionItWentOutOnOrMinusOneWithoutASession() throws Exception {
        assertThat(link.send(REQUEST)).as("not started").isEqualTo(-1);

        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        assertThat(link.send(REQUEST)).isEqualTo(1);
        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> call.received().size() == 2);
        assertThat(call.kinds()).containsExactly(HELLO, RELEASE_REQUEST);

        link.close();
        assertThat(link.send(REQUEST)).as("closed").isEqualTo(-1);
    }

    @Test
    void aServerErrorIsReportedAsDisconnectedAndTheLinkReconnectsWithAFreshHello() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        coordinator.awaitCall(1).fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));

        LinkEvent.Disconnected disconnected = next(LinkEvent.Disconnected.class);
        assertThat(disconnected.reason())
                .isEqualTo("Cannot reach the coordinator at test-coordinator (UNAVAILABLE: the coordinator is restarting)");
        assertThat(disconnected.retryIn()).as("the backoff starts over after a welcome")
                .isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
        assertThat(next(LinkEvent.Connected.class).session()).isEqualTo(2);
        assertThat(coordinator.awaitCall(2).kinds()).containsExactly(HELLO);
        assertThat(helloReads).hasValue(2);
    }

    @Test
    void aSessionTheCoordinatorEndsIsReconnectedToo() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        coordinator.awaitCall(1).complete();

        assertThat(next(LinkEvent.Disconnected.class).reason())
                .isEqualTo("The coordinator at test-coordinator ended the session");
        assertThat(next(LinkEvent.Connected.class).session()).isEqualTo(2);
    }

    @Test
    void aHelloThatCannotBeReadIsTriedAgain() throws Exception {
        helloFailure = new IllegalStateException("the database is starting up");
        helloFailure.setStackTrace(new StackTraceElement[0]); // the link logs it; keep the build output short
        coordinator.start();
        link.start();

        assertThat(next(LinkEvent.Disconnected.class).reason()).isEqualTo(
                "Cannot read this region's migration state for the coordinator (the database is starting up)");
        assertThat(next(LinkEvent.Connected.class).session()).isEqualTo(1);
        assertThat(coordinator.callCount()).as("no session without a Hello").isEqualTo(1);
    }

    @Test
    void finishCompletesOnlyOnceTheCoordinatorCompletesTheHalfClosedCall() throws Exception {
        coordinator.completeOnHalfClose(false);
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        CompletableFuture<Void> finished = link.finish();
        AgentCall call = coordinator.awaitCall(1);
        eventually().until(call::halfClosed);
        assertThat(finished).as("the coordinator has not completed the call yet").isNotDone();

        call.complete();

        assertThat(finished).succeedsWithin(FakeCoordinator.TIMEOUT);
        assertThat(events).noneMatch(LinkEvent.Disconnected.class::isInstance);
        assertThat(coordinator.callCount()).isEqualTo(1);
    }

    @Test
    void finishWhileTheCoordinatorIsDownHalfClosesTheNextSessionAfterItsHello() throws Exception {
        link.start();
        next(LinkEvent.Disconnected.class);

        CompletableFuture<Void> finished = link.finish();
        assertThat(finished).isNotDone();
        coordinator.start();

        assertThat(finished).succeedsWithin(FakeCoordinator.TIMEOUT);
        AgentCall call = coordinator.awaitCall(1);
        assertThat(call.kinds()).containsExactly(HELLO);
        assertThat(call.halfClosed()).isTrue();
    }

    @Test
    void closeCancelsTheSessionAndIsIdempotent() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);
        AgentCall call = coordinator.awaitCall(1);

        link.close();
        link.close();

        eventually().until(call::cancelled);
        assertThat(channel.isShutdown()).isTrue();
        assertThatIllegalStateException().isThrownBy(link::start).withMessageContaining("already started");
    }

    @Test
    void closeStopsReconnecting() throws Exception {
        link.start();
        next(LinkEvent.Disconnected.class);

        link.close();
        coordinator.start();

        eventually().during(Duration.ofMillis(300)).until(() -> coordinator.callCount() == 0);
    }

    @Test
    void aLinkStartsOnlyOnce() {
        link.start();

        assertThatIllegalStateException().isThrownBy(link::start)
                .withMessage("the link to test-coordinator was already started");
    }
}
