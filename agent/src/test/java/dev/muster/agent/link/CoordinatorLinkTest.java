package dev.muster.agent.link;

import static dev.muster.agent.link.FakeCoordinator.eventually;
import static dev.muster.proto.v1.AgentMessage.KindCase.HELLO;
import static dev.muster.proto.v1.AgentMessage.KindCase.MIGRATION_APPLIED;
import static dev.muster.proto.v1.AgentMessage.KindCase.MIGRATION_FAILED;
import static dev.muster.proto.v1.AgentMessage.KindCase.RELEASE_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.muster.agent.link.FakeCoordinator.AgentCall;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.common.time.Backoff;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.MigrateTo;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
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
    private static final String V2 = "20200202000002";
    private static final AgentMessage REQUEST = WireMessages.releaseRequest(1, List.of(pending(V1)));
    private static final AgentMessage APPLIED_V1 = applied(V1);
    private static final AgentMessage FAILED_V2 =
            WireMessages.failed(V2, "migration " + V2 + " failed and was rolled back");

    private final String name = InProcessServerBuilder.generateName();
    private final FakeCoordinator coordinator = new FakeCoordinator(name);
    private final BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger helloReads = new AtomicInteger();
    private volatile List<String> applied = List.of();
    private volatile RuntimeException helloFailure;
    private volatile Runnable whileReadingHello = () -> {};
    private ManagedChannel channel;
    private CoordinatorLink link;

    @BeforeEach
    void openLink() {
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        link = new CoordinatorLink(
                channel,
                "test-coordinator",
                this::hello,
                events::add,
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
        List<String> appliedNow = applied;
        whileReadingHello.run();
        RuntimeException failure = helloFailure;
        if (failure != null) {
            helloFailure = null;
            throw failure;
        }
        Hello.Builder hello =
                Hello.newBuilder().setRegion(1).setRole(Role.REMOTE).setAgentVersion("read-" + read);
        appliedNow.forEach(version -> hello.addApplied(Migration.newBuilder().setVersion(version)));
        return hello.build();
    }

    private static AgentMessage applied(String version) {
        return WireMessages.applied(new LocalMigration(
                version,
                "migration " + version,
                OptionalInt.of(1),
                Optional.of(Instant.parse("2024-05-01T12:00:00Z"))));
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
        assertThat(second.hello().getAppliedList())
                .extracting(Migration::getVersion)
                .containsExactly(V1);
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
                .isEqualTo(
                        "Cannot reach the coordinator at test-coordinator (UNAVAILABLE: the coordinator is restarting)");
        assertThat(disconnected.retryIn())
                .as("the backoff starts over after a welcome")
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

        assertThat(next(LinkEvent.Disconnected.class).reason())
                .isEqualTo(
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
        assertThat(finished)
                .as("the coordinator has not completed the call yet")
                .isNotDone();

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

        assertThatIllegalStateException()
                .isThrownBy(link::start)
                .withMessage("the link to test-coordinator was already started");
    }

    @Test
    void aReportMadeBeforeAnySessionIsUpFollowsTheHelloOfTheFirstOne() throws Exception {
        link.report(APPLIED_V1);
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> call.received().size() == 2);
        assertThat(call.kinds()).containsExactly(HELLO, MIGRATION_APPLIED);
        assertThat(call.received().get(1)).isEqualTo(APPLIED_V1);
    }

    @Test
    void aReportMadeAfterTheHelloWasReadButBeforeTheSessionIsUpIsNotLost() throws Exception {
        // The race of a remote that migrates at once: the Hello predates the migration, and
        // the report is made before the session that carries the Hello is up.
        whileReadingHello = () -> {
            whileReadingHello = () -> {};
            applied = List.of(V1);
            link.report(APPLIED_V1);
        };
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> call.received().size() == 2);
        assertThat(call.kinds()).containsExactly(HELLO, MIGRATION_APPLIED);
        assertThat(call.hello().getAppliedList())
                .as("read before the migration")
                .isEmpty();
    }

    @Test
    void everyReportIsRepeatedAfterTheHelloOfEachLaterSessionButOtherMessagesAreNot() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);
        AgentCall first = coordinator.awaitCall(1);

        link.report(APPLIED_V1);
        link.send(REQUEST);
        link.report(FAILED_V2);
        eventually().until(() -> first.received().size() == 4);
        assertThat(first.kinds()).containsExactly(HELLO, MIGRATION_APPLIED, RELEASE_REQUEST, MIGRATION_FAILED);

        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        next(LinkEvent.Disconnected.class);
        next(LinkEvent.Connected.class);

        AgentCall second = coordinator.awaitCall(2);
        eventually().until(() -> second.received().size() == 3);
        assertThat(second.kinds()).containsExactly(HELLO, MIGRATION_APPLIED, MIGRATION_FAILED);
        assertThat(second.received().subList(1, 3)).as("in the order reported").containsExactly(APPLIED_V1, FAILED_V2);
    }

    @Test
    void aReportIsNoLongerRepeatedOnceASessionsHelloHoldsItButAFailureStill() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);
        link.report(APPLIED_V1);
        link.report(FAILED_V2);
        AgentCall first = coordinator.awaitCall(1);
        eventually().until(() -> first.received().size() == 3);

        applied = List.of(V1);
        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        next(LinkEvent.Disconnected.class);
        next(LinkEvent.Connected.class);
        AgentCall second = coordinator.awaitCall(2);
        eventually().until(() -> second.received().size() >= 2);
        second.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        next(LinkEvent.Disconnected.class);
        applied = List.of();
        next(LinkEvent.Connected.class);
        AgentCall third = coordinator.awaitCall(3);
        eventually().until(() -> third.received().size() >= 2);

        assertThat(second.kinds()).as("its Hello holds V1").containsExactly(HELLO, MIGRATION_FAILED);
        assertThat(third.kinds())
                .as("dropped for good, even if a later Hello lacks it: the coordinator has it")
                .containsExactly(HELLO, MIGRATION_FAILED);
    }

    @Test
    void aReportMadeWhileTheLinkIsDownReachesTheNextSessionOnce() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);
        coordinator.awaitCall(1).fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        next(LinkEvent.Disconnected.class);
        // Between sessions or already on the next one: either way it is sent exactly once there.
        link.report(APPLIED_V1);
        next(LinkEvent.Connected.class);

        AgentCall second = coordinator.awaitCall(2);
        eventually().until(() -> second.received().size() >= 2);
        assertThat(second.kinds()).containsExactly(HELLO, MIGRATION_APPLIED);
        assertThat(coordinator.awaitCall(1).kinds()).containsExactly(HELLO);
    }

    @Test
    void aRejectCarriesTheRequestItAnswersAndRequestIdZeroRefusesTheSession() throws Exception {
        coordinator.refuseSessions(1, "two agents claim region 1");
        coordinator.start();
        link.start();

        LinkEvent.Rejected refused = next(LinkEvent.Rejected.class);
        assertThat(refused.session()).isEqualTo(1);
        assertThat(refused.requestId()).isZero();
        assertThat(refused.refusesSession()).isTrue();
        assertThat(refused.reason()).isEqualTo("two agents claim region 1");
        assertThat(next(LinkEvent.Disconnected.class).reason())
                .isEqualTo("The coordinator at test-coordinator ended the session");
        assertThat(next(LinkEvent.Connected.class).session()).isEqualTo(2);

        coordinator.awaitCall(2).send(FakeCoordinator.reject(7, "checksum mismatch for migration " + V1));

        LinkEvent.Rejected rejected = next(LinkEvent.Rejected.class);
        assertThat(rejected.session()).isEqualTo(2);
        assertThat(rejected.requestId()).isEqualTo(7);
        assertThat(rejected.refusesSession()).isFalse();
    }

    @Test
    void waitAndGoCarryTheRequestTheyAnswer() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);
        AgentCall call = coordinator.awaitCall(1);

        call.send(FakeCoordinator.waitFor(3, V1, 2));
        call.send(FakeCoordinator.go(4, V1));

        assertThat(next(LinkEvent.Waiting.class).signal().getRequestId()).isEqualTo(3);
        assertThat(next(LinkEvent.Released.class).go().getRequestId()).isEqualTo(4);
    }

    @Test
    void aCommandIsDeliveredWithTheSessionItCameOn() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);
        AgentCall first = coordinator.awaitCall(1);
        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        next(LinkEvent.Disconnected.class);
        next(LinkEvent.Connected.class);
        Command migrate = Command.newBuilder()
                .setCommandId(7)
                .setMigrate(MigrateTo.newBuilder().setTargetVersion(V2))
                .build();

        coordinator.awaitCall(2).send(FakeCoordinator.command(migrate));

        LinkEvent.CommandReceived received = next(LinkEvent.CommandReceived.class);
        assertThat(received.session()).isEqualTo(2);
        assertThat(received.command()).isEqualTo(migrate);
    }

    @Test
    void aReleaseRequestCarriesItsId() throws Exception {
        coordinator.start();
        link.start();
        next(LinkEvent.Connected.class);

        link.send(WireMessages.releaseRequest(42, List.of(pending(V1), pending(V2))));

        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> call.requestIds().contains(42L));
        assertThat(call.releaseRequests()).containsExactly(List.of(V1, V2));
    }

    private static LocalMigration pending(String version) {
        return new LocalMigration(
                version, "migration " + version, OptionalInt.of(version.hashCode()), Optional.empty());
    }
}
