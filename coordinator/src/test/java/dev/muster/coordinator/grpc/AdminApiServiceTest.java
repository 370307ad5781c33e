package dev.muster.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.muster.common.region.RegionNumber;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.ChangeRegionRequest;
import dev.muster.proto.v1.ChangeReply;
import dev.muster.proto.v1.FleetEvent;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.ForceReleaseRequest;
import dev.muster.proto.v1.ForcedReleaseState;
import dev.muster.proto.v1.GetPlanRequest;
import dev.muster.proto.v1.GetStatusRequest;
import dev.muster.proto.v1.PauseRequest;
import dev.muster.proto.v1.PauseState;
import dev.muster.proto.v1.Plan;
import dev.muster.proto.v1.PlanStep;
import dev.muster.proto.v1.RegionStatus;
import dev.muster.proto.v1.ResumeRequest;
import dev.muster.proto.v1.WaitState;
import dev.muster.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.lang.reflect.Field;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AdminApiServiceTest {

    private static final String COORDINATOR_VERSION = "9.9.9-test";
    private static final Instant NOW = Instant.parse("2024-04-24T18:33:42Z");
    private static final Timestamp NOW_WIRE =
            Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()).build();
    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";
    /** What requests say of their sender, as older clients did: never taken for who asks. */
    private static final String ALICE = "alice@ops-1";

    private FleetHub hub;
    private RecordingObserver events;
    private String serverName;
    private Server server;
    private ManagedChannel channel;
    private AdminServiceGrpc.AdminServiceBlockingStub admin;
    private AdminServiceGrpc.AdminServiceStub async;
    /** What the service's {@code stored} hands out; a test may replace it. */
    private volatile Supplier<CompletableFuture<Void>> stored = () -> CompletableFuture.completedFuture(null);

    private long nextSession;

    @BeforeEach
    void startServer() throws Exception {
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.fixed(NOW, ZoneOffset.UTC));
        events = new RecordingObserver();
        hub.observe(events);
        serverName = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(serverName)
                .directExecutor()
                .addService(ServerInterceptors.intercept(
                        new AdminApiService(
                                hub,
                                COORDINATOR_VERSION,
                                TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK),
                                true,
                                () -> stored.get(),
                                new UpgradeDriver(hub)),
                        new CallerInterceptor("muster", Optional.empty())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(serverName).directExecutor().build();
        admin = AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        async = AdminServiceGrpc.newStub(channel);
    }

    /** What GrpcCleanupRule does; watch streams are long-lived, so they are cancelled rather than awaited. */
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

    /** Every event the hub published, in order. */
    private static final class RecordingObserver implements FleetObserver {
        final List<dev.muster.coordinator.events.FleetEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void changed(Fleet fleet, List<dev.muster.coordinator.events.FleetEvent> events) {
            seen.addAll(events);
        }

        List<dev.muster.coordinator.events.FleetEvent> ofKind(EventKind kind) {
            return seen.stream().filter(event -> event.kind() == kind).toList();
        }
    }

    /** An agent session's outbox that remembers the release answers. */
    private static final class AnswerOutbox implements Outbox {

        @Override
        public void command(long commandId, Step step) {}

        final List<Release> releases = new CopyOnWriteArrayList<>();

        @Override
        public void welcome(SortedSet<Integer> memberRegions) {}

        @Override
        public void release(long requestId, Release release) {
            releases.add(release);
        }

        @Override
        public void refuse(String reason) {
            throw new AssertionError("refused: " + reason);
        }

        @Override
        public void supersede() {}
    }

    private static List<Migration> migrations(String... versions) {
        return Stream.of(versions)
                .map(version -> Migration.of(version, "migration " + version, version.hashCode()))
                .toList();
    }

    /** Connects an agent of {@code database} straight to the hub; returns its session id. */
    private long connect(int region, Role role, String database, List<String> applied, List<String> available) {
        long session = ++nextSession;
        AgentHello hello = new AgentHello(
                region,
                role,
                "test-agent",
                "instance-" + session,
                database,
                migrations(applied.toArray(String[]::new)),
                migrations(available.toArray(String[]::new)));
        assertThat(hub.hello(session, "10.0.0." + region + ":5000" + session, hello, new AnswerOutbox()))
                .as("hello of region %d admitted", region)
                .isTrue();
        return session;
    }

    private long connectGlobal() {
        return connect(GLOBAL, Role.GLOBAL, "db-99", List.of(OLDER), List.of(OLDER, V));
    }

    private static ChangeRegionRequest region(int region) {
        return ChangeRegionRequest.newBuilder()
                .setRegion(region)
                .setActor(ALICE)
                .build();
    }

    /** The answer to a change the store confirmed (or that needed none). */
    private static ChangeReply reply(boolean changed, String message) {
        return ChangeReply.newBuilder()
                .setChanged(changed)
                .setMessage(message)
                .setStored(true)
                .build();
    }

    /**
     * The actor the service records for a request that says it comes from {@code operator}: on
     * a port without TLS nobody is authenticated, and what a request says of its sender is not
     * taken. In process, the peer address is the server's name.
     */
    private String unauthenticated() {
        return "an unauthenticated client (from " + serverName + ")";
    }

    private static Status failure(Runnable call) {
        AtomicReference<Status> status = new AtomicReference<>();
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> status.set(e.getStatus()));
        return status.get();
    }

    @Nested
    class GetStatus {

        @Test
        void showsTheCoordinatorAndAMemberThatNeverConnected() {
            FleetStatus status = admin.getStatus(GetStatusRequest.getDefaultInstance());

            assertThat(status)
                    .isEqualTo(FleetStatus.newBuilder()
                            .setCoordinatorVersion(COORDINATOR_VERSION)
                            .addAllMemberRegions(List.of(1, 2))
                            .setDurable(true)
                            .setSecurity(dev.muster.proto.v1.TransportSecurity.PLAINTEXT_LOOPBACK)
                            .addRegions(RegionStatus.newBuilder()
                                    .setRegion(1)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .setMember(true)
                                    .setKnown(false))
                            .addRegions(RegionStatus.newBuilder()
                                    .setRegion(2)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .setMember(true)
                                    .setKnown(false))
                            .build());
        }

        @Test
        void showsConnectedRegionsTheirSessionsAppliedPendingAndWhatTheyWaitOn() {
            long global = connectGlobal();
            connect(1, Role.REMOTE, "db-1", List.of(OLDER), List.of(OLDER, V));
            connect(1, Role.REMOTE, "db-1", List.of(OLDER), List.of(OLDER, V));
            connect(7, Role.REMOTE, "db-7", List.of(OLDER, V), List.of(OLDER, V));
            hub.requestRelease(global, 1, migrations(V));

            FleetStatus status = admin.getStatus(GetStatusRequest.getDefaultInstance());

            assertThat(status.getRegionsList())
                    .containsExactly(
                            RegionStatus.newBuilder()
                                    .setRegion(1)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .setMember(true)
                                    .setKnown(true)
                                    .setSessions(2)
                                    .setLastSeen(NOW_WIRE)
                                    .setAppliedVersion(OLDER)
                                    .setPending(1)
                                    .setNewestAvailable(V)
                                    .build(),
                            RegionStatus.newBuilder()
                                    .setRegion(2)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .setMember(true)
                                    .setKnown(false)
                                    .build(),
                            RegionStatus.newBuilder()
                                    .setRegion(7)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .setMember(false)
                                    .setKnown(true)
                                    .setSessions(1)
                                    .setLastSeen(NOW_WIRE)
                                    .setAppliedVersion(V)
                                    .setPending(0)
                                    .setNewestAvailable(V)
                                    .build(),
                            RegionStatus.newBuilder()
                                    .setRegion(GLOBAL)
                                    .setRole(dev.muster.proto.v1.Role.GLOBAL)
                                    .setMember(false)
                                    .setKnown(true)
                                    .setSessions(1)
                                    .setLastSeen(NOW_WIRE)
                                    .setAppliedVersion(OLDER)
                                    .setPending(1)
                                    .setNewestAvailable(V)
                                    .setWaiting(WaitState.newBuilder()
                                            .setVersion(V)
                                            .addAllRegions(List.of(1, 2))
                                            .setSince(NOW_WIRE))
                                    .build());
        }

        @Test
        void showsAPauseAndTheWaitItHolds() {
            long global = connectGlobal();
            hub.pause("maintenance window", "operator bob@ops-2");
            hub.requestRelease(global, 1, migrations(V));

            FleetStatus status = admin.getStatus(GetStatusRequest.getDefaultInstance());

            assertThat(status.getPause())
                    .isEqualTo(PauseState.newBuilder()
                            .setReason("maintenance window")
                            .setBy("operator bob@ops-2")
                            .setAt(NOW_WIRE)
                            .build());
            RegionStatus theGlobal = status.getRegions(status.getRegionsCount() - 1);
            assertThat(theGlobal.getRegion()).isEqualTo(GLOBAL);
            assertThat(theGlobal.getWaiting())
                    .isEqualTo(WaitState.newBuilder()
                            .setVersion(V)
                            .setHeld("the fleet was paused by operator bob@ops-2 at " + NOW
                                    + " (maintenance window); 'muster resume' lets it go on")
                            .setSince(NOW_WIRE)
                            .build());
        }

        @Test
        void showsForcedReleases() {
            connectGlobal();
            hub.forceRelease(V, "region 2 is gone for good", "operator bob@ops-2");

            FleetStatus status = admin.getStatus(GetStatusRequest.getDefaultInstance());

            assertThat(status.hasPause()).isFalse();
            assertThat(status.getForcedReleasesList())
                    .containsExactly(ForcedReleaseState.newBuilder()
                            .setVersion(V)
                            .setReason("region 2 is gone for good")
                            .setBy("operator bob@ops-2")
                            .setAt(NOW_WIRE)
                            .build());
        }
    }

    @Nested
    class Changes {

        @Test
        void addRegionMakesAMemberOnceAndNamesTheOperatorAndWhereFrom() {
            assertThat(admin.addRegion(region(3)))
                    .isEqualTo(reply(true, "region 3 is now a member: the global waits for it"));
            assertThat(admin.addRegion(region(3))).isEqualTo(reply(false, "region 3 was a member already"));

            assertThat(hub.fleet().members()).containsExactly(1, 2, 3);
            assertThat(events.ofKind(EventKind.MEMBER_ADDED)).singleElement().satisfies(event -> {
                assertThat(event.actor()).isEqualTo(unauthenticated());
                assertThat(event.region()).hasValue(3);
            });
        }

        @Test
        void removeRegionEndsAMembershipOnce() {
            assertThat(admin.removeRegion(region(2)))
                    .isEqualTo(reply(true, "region 2 is no longer a member: the global does not wait for it"));
            assertThat(admin.removeRegion(region(2))).isEqualTo(reply(false, "region 2 was not a member"));

            assertThat(hub.fleet().members()).containsExactly(1);
            assertThat(events.ofKind(EventKind.MEMBER_REMOVED))
                    .singleElement()
                    .satisfies(event -> assertThat(event.actor()).isEqualTo(unauthenticated()));
        }

        @Test
        void pauseHoldsTheFleetOnceWithTheReasonAndTheOperator() {
            PauseRequest pause = PauseRequest.newBuilder()
                    .setReason("maintenance window")
                    .setActor(ALICE)
                    .build();

            assertThat(admin.pause(pause))
                    .isEqualTo(reply(true, "the fleet is paused: nothing is released until 'muster resume'"));
            assertThat(admin.pause(pause)).isEqualTo(reply(false, "the fleet was paused already"));

            assertThat(hub.fleet().pause()).hasValueSatisfying(held -> {
                assertThat(held.reason()).isEqualTo("maintenance window");
                assertThat(held.by()).isEqualTo(unauthenticated());
                assertThat(held.at()).isEqualTo(NOW);
            });
            assertThat(events.ofKind(EventKind.PAUSED))
                    .singleElement()
                    .satisfies(event -> assertThat(event.actor()).isEqualTo(unauthenticated()));
        }

        @Test
        void resumeLetsThePausedFleetGoOnOnce() {
            hub.pause("maintenance window", "operator bob@ops-2");
            ResumeRequest resume = ResumeRequest.newBuilder().setActor(ALICE).build();

            assertThat(admin.resume(resume)).isEqualTo(reply(true, "the fleet goes on"));
            assertThat(admin.resume(resume)).isEqualTo(reply(false, "the fleet was not paused"));

            assertThat(hub.fleet().paused()).isFalse();
            assertThat(events.ofKind(EventKind.RESUMED))
                    .singleElement()
                    .satisfies(event -> assertThat(event.actor()).isEqualTo(unauthenticated()));
        }

        @Test
        void forceReleaseReleasesAVersionOfTheGlobalsFilesOnce() {
            connectGlobal();
            ForceReleaseRequest force = ForceReleaseRequest.newBuilder()
                    .setVersion(V)
                    .setReason("region 2 is gone for good")
                    .setActor(ALICE)
                    .build();

            assertThat(admin.forceRelease(force))
                    .isEqualTo(reply(true, "migration " + V + " is released to the global by force"));
            assertThat(admin.forceRelease(force))
                    .isEqualTo(reply(false, "migration " + V + " was released by force already"));

            assertThat(hub.fleet().forced()).containsOnlyKeys(V);
            assertThat(hub.fleet().forced().get(V).by()).isEqualTo(unauthenticated());
            assertThat(hub.fleet().forced().get(V).reason()).isEqualTo("region 2 is gone for good");
            assertThat(events.ofKind(EventKind.FORCED_RELEASE))
                    .singleElement()
                    .satisfies(event -> assertThat(event.actor()).isEqualTo(unauthenticated()));
        }

        @Test
        void whatARequestSaysOfItsSenderNamesNoOne() {
            admin.addRegion(ChangeRegionRequest.newBuilder()
                    .setRegion(3)
                    .setActor("root@the-global")
                    .build());

            assertThat(events.ofKind(EventKind.MEMBER_ADDED))
                    .singleElement()
                    .satisfies(event -> assertThat(event.actor())
                            .isEqualTo("an unauthenticated client (from " + serverName + ")")
                            .doesNotContain("root"));
        }

        @Test
        void aChangeIsAnsweredOnlyOnceItIsStored() {
            CompletableFuture<Void> flushed = new CompletableFuture<>();
            List<SortedSet<Integer>> membersWhenAsked = new CopyOnWriteArrayList<>();
            stored = () -> {
                membersWhenAsked.add(hub.fleet().members());
                return flushed;
            };
            RecordingReply answer = new RecordingReply();

            async.addRegion(region(3), answer);

            assertThat(hub.fleet().members()).as("made at once").containsExactly(1, 2, 3);
            assertThat(membersWhenAsked)
                    .as("asked to store after the change")
                    .containsExactly(hub.fleet().members());
            assertThat(answer.replies).as("no answer before it is stored").isEmpty();
            assertThat(answer.completed).isFalse();
            assertThat(answer.error.get()).isNull();

            flushed.complete(null);

            await().atMost(5, TimeUnit.SECONDS).until(() -> answer.completed);
            assertThat(answer.replies)
                    .containsExactly(reply(true, "region 3 is now a member: the global waits for it"));
            assertThat(answer.error.get()).isNull();
        }

        @Test
        void aChangeTheStoreCannotConfirmIsAnsweredNotStoredButKeptInMemory() {
            stored = () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused"));

            ChangeReply answer = admin.addRegion(region(3));

            assertThat(answer)
                    .isEqualTo(ChangeReply.newBuilder()
                            .setChanged(true)
                            .setStored(false)
                            .setMessage(
                                    "region 3 is now a member: the global waits for it, but the coordinator's database "
                                            + "has not confirmed it (connection refused): it is kept in memory and stored when the "
                                            + "database is back; a restart of the coordinator before then would lose it")
                            .build());
            assertThat(hub.fleet().members()).containsExactly(1, 2, 3);
        }

        @Test
        void aNoChangeTheStoreCannotConfirmIsNotStoredEither() {
            stored = () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
            hub.addMember(3, "operator carol");

            ChangeReply answer = admin.addRegion(region(3));

            assertThat(answer)
                    .isEqualTo(ChangeReply.newBuilder()
                            .setChanged(false)
                            .setStored(false)
                            .setMessage(
                                    "region 3 was a member already, but the coordinator's database has not confirmed it "
                                            + "(connection refused): it is kept in memory and stored when the database is back; a "
                                            + "restart of the coordinator before then would lose it")
                            .build());
        }

        @Test
        void aStoreFailureWithoutAMessageIsNamedByItsKind() {
            CompletableFuture<Void> failed = new CompletableFuture<>();
            stored = () -> failed;
            RecordingReply answer = new RecordingReply();

            async.pause(
                    PauseRequest.newBuilder()
                            .setReason("maintenance window")
                            .setActor(ALICE)
                            .build(),
                    answer);
            failed.completeExceptionally(new IllegalStateException());

            await().atMost(5, TimeUnit.SECONDS).until(() -> answer.completed);
            assertThat(answer.error.get()).isNull();
            assertThat(answer.replies)
                    .containsExactly(ChangeReply.newBuilder()
                            .setChanged(true)
                            .setStored(false)
                            .setMessage("the fleet is paused: nothing is released until 'muster resume', but the "
                                    + "coordinator's database has not confirmed it (IllegalStateException): it is kept in "
                                    + "memory and stored when the database is back; a restart of the coordinator before "
                                    + "then would lose it")
                            .build());
            assertThat(hub.fleet().paused()).isTrue();
        }
    }

    @Nested
    class Refusals {

        @Test
        void aPauseWithoutAReasonIsInvalid() {
            for (String reason : List.of("", "  ")) {
                Status status = failure(() -> admin.pause(PauseRequest.newBuilder()
                        .setReason(reason)
                        .setActor(ALICE)
                        .build()));

                assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(status.getDescription()).isEqualTo("a pause needs a reason, for the event log");
            }
            assertThat(hub.fleet().paused()).isFalse();
        }

        @Test
        void aForcedReleaseWithoutAReasonIsInvalid() {
            connectGlobal();

            Status status = failure(() -> admin.forceRelease(ForceReleaseRequest.newBuilder()
                    .setVersion(V)
                    .setActor(ALICE)
                    .build()));

            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).isEqualTo("a forced release needs a reason, for the event log");
            assertThat(hub.fleet().forced()).isEmpty();
        }

        @Test
        void aForcedReleaseWithoutAVersionIsInvalid() {
            connectGlobal();

            for (String version : List.of("", "  ")) {
                Status status = failure(() -> admin.forceRelease(ForceReleaseRequest.newBuilder()
                        .setVersion(version)
                        .setReason("region 2 is gone for good")
                        .setActor(ALICE)
                        .build()));

                assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(status.getDescription()).isEqualTo("name the migration version to release");
            }
            assertThat(hub.fleet().forced()).isEmpty();
            assertThat(events.ofKind(EventKind.FORCED_RELEASE)).isEmpty();
        }

        @Test
        void aForcedReleaseOfAVersionTheGlobalsFilesLackIsInvalid() {
            connectGlobal();

            Status status = failure(() -> admin.forceRelease(ForceReleaseRequest.newBuilder()
                    .setVersion("20991231000000")
                    .setReason("typo")
                    .setActor(ALICE)
                    .build()));

            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription())
                    .isEqualTo("the global region 99's migration files do not contain "
                            + "20991231000000 (its newest is " + V + ")");
            assertThat(hub.fleet().forced()).isEmpty();
        }

        @Test
        void aRegionNumberAboveTheLargestIsInvalid() {
            int tooLarge = RegionNumber.MAX + 1;

            Status add = failure(() -> admin.addRegion(region(tooLarge)));
            Status remove = failure(() -> admin.removeRegion(region(tooLarge)));

            for (Status status : List.of(add, remove)) {
                assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(status.getDescription())
                        .isEqualTo("region " + tooLarge + " is not a region number (0 to " + RegionNumber.MAX + ")");
            }
            assertThat(hub.fleet().members()).containsExactly(1, 2);
        }

        @Test
        void theLargestRegionNumberIsValid() {
            assertThat(admin.addRegion(region(RegionNumber.MAX)).getChanged()).isTrue();
        }

        @Test
        void aRegionNumberThatIsNegativeAsAJavaIntIsReadAsUnsigned() {
            Status status = failure(() -> admin.addRegion(region(-1)));

            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).startsWith("region 4294967295 is not a region number");
        }

        @Test
        void theGlobalCannotBecomeAMember() {
            connectGlobal();

            Status status = failure(() -> admin.addRegion(region(GLOBAL)));

            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).isEqualTo("region 99 is the global; only remote regions are members");
        }
    }

    @Nested
    class GetPlan {

        @Test
        void withoutAKnownGlobalOrATargetTheFleetHasNoPlan() {
            Status status = failure(() -> admin.getPlan(GetPlanRequest.getDefaultInstance()));

            assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(status.getDescription())
                    .isEqualTo("the global region has never connected, so name the target version");
        }

        @Test
        void thePlanToTheGlobalsNewestInWireForm() {
            connectGlobal();
            connect(1, Role.REMOTE, "db-1", List.of(OLDER), List.of(OLDER, V));

            Plan plan = admin.getPlan(GetPlanRequest.getDefaultInstance());

            assertThat(plan)
                    .isEqualTo(Plan.newBuilder()
                            .setTargetVersion(V)
                            .addSteps(PlanStep.newBuilder()
                                    .setRegion(1)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .addVersions(V))
                            .addSteps(PlanStep.newBuilder()
                                    .setRegion(2)
                                    .setRole(dev.muster.proto.v1.Role.REMOTE)
                                    .addBlockers("region 2 has never connected, so its migrations are unknown"))
                            .addSteps(PlanStep.newBuilder()
                                    .setRegion(GLOBAL)
                                    .setRole(dev.muster.proto.v1.Role.GLOBAL)
                                    .addVersions(V))
                            .addBlockers("region 2 has never connected, so its migrations are unknown")
                            .build());
        }

        @Test
        void withoutAKnownGlobalButWithATargetThePlanIsBlocked() {
            Plan plan = admin.getPlan(
                    GetPlanRequest.newBuilder().setTargetVersion(V).build());

            assertThat(plan.getTargetVersion()).isEqualTo(V);
            assertThat(plan.getBlockersList())
                    .contains("the global region has never connected, so its migrations are unknown");
        }
    }

    @Nested
    class Watch {

        private final List<FleetEvent> received = new CopyOnWriteArrayList<>();
        private final AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();
        private final AtomicReference<Throwable> ended = new AtomicReference<>();

        private void watch(int history) {
            watch(history, true);
        }

        /** A watch whose client asks for no event, so that everything the hub publishes piles up. */
        private void watchWithoutReading() {
            watch(0, false);
        }

        private void watch(int history, boolean reading) {
            async.watch(
                    WatchRequest.newBuilder().setHistory(history).build(),
                    new ClientResponseObserver<WatchRequest, FleetEvent>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<WatchRequest> requests) {
                            if (!reading) {
                                requests.disableAutoRequestWithInitial(0);
                            }
                            call.set(requests);
                        }

                        @Override
                        public void onNext(FleetEvent event) {
                            received.add(event);
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.set(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.set(new AssertionError("a watch never completes on its own"));
                        }
                    });
        }

        private FleetEvent memberAdded(int region) {
            return FleetEvent.newBuilder()
                    .setAt(NOW_WIRE)
                    .setRegion(region)
                    .setKind("MEMBER_ADDED")
                    .setActor("operator carol")
                    .setDetail("the global waits for region " + region + " from now on")
                    .build();
        }

        @Test
        void sendsTheNewestPastEventsThenTheLiveOnesInOrder() {
            hub.addMember(3, "operator carol");
            hub.addMember(4, "operator carol");
            hub.addMember(5, "operator carol");

            watch(2);
            await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() >= 2);
            hub.pause("maintenance window", "operator dave");
            hub.addMember(6, "operator carol");

            await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() >= 4);
            assertThat(received)
                    .containsExactly(
                            memberAdded(4),
                            memberAdded(5),
                            FleetEvent.newBuilder()
                                    .setAt(NOW_WIRE)
                                    .setKind("PAUSED")
                                    .setActor("operator dave")
                                    .setDetail("maintenance window")
                                    .build(),
                            memberAdded(6));
            assertThat(received.get(2).hasRegion())
                    .as("a pause concerns the whole fleet")
                    .isFalse();
            assertThat(ended.get()).isNull();
        }

        @Test
        void withoutHistoryOnlyNewEventsAreSent() {
            hub.addMember(3, "operator carol");

            watch(0);
            hub.addMember(4, "operator carol");

            await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
            assertThat(received).containsExactly(memberAdded(4));
        }

        @Test
        void aHistoryLongerThanWhatHappenedSendsEverything() {
            hub.addMember(3, "operator carol");
            hub.addMember(4, "operator carol");

            watch(50);

            await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() >= 2);
            assertThat(received).containsExactly(memberAdded(3), memberAdded(4));
        }

        @Test
        void aHistoryAboveTheLargestIntIsReadAsUnsignedAndSendsEverything() {
            hub.addMember(3, "operator carol");
            hub.addMember(4, "operator carol");

            watch(-1);
            hub.addMember(5, "operator carol");

            await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() >= 3);
            assertThat(received).containsExactly(memberAdded(3), memberAdded(4), memberAdded(5));
            assertThat(ended.get()).isNull();
        }

        @Test
        void aHistoryLongerThanTheHubKeepsSendsTheNewestItKeeps() {
            int first = 3;
            for (int region = first; region < first + FleetHub.HISTORY + 5; region++) {
                hub.addMember(region, "operator carol");
            }

            watch(Integer.MAX_VALUE);

            await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() >= FleetHub.HISTORY);
            assertThat(received).hasSize(FleetHub.HISTORY);
            assertThat(received.get(0)).isEqualTo(memberAdded(first + 5));
            assertThat(received.get(FleetHub.HISTORY - 1)).isEqualTo(memberAdded(first + FleetHub.HISTORY + 4));
            assertThat(ended.get()).isNull();
        }

        @Test
        void aWatcherThatFallsTooFarBehindIsCutOffAndNoLongerObservesTheHub() throws Exception {
            int before = observers().size();
            watchWithoutReading();
            assertThat(observers()).hasSize(before + 1);

            for (int event = 0; event <= WatchStream.MAX_BACKLOG; event++) {
                boolean changed = event % 2 == 0 ? hub.pause("drill", "operator dave") : hub.resume("operator dave");
                assertThat(changed).isTrue();
            }

            await().atMost(5, TimeUnit.SECONDS).until(() -> ended.get() != null);
            Status status = Status.fromThrowable(ended.get());
            assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(status.getDescription())
                    .isEqualTo(
                            "this watcher fell more than " + WatchStream.MAX_BACKLOG + " events behind; watch again");
            assertThat(observers()).hasSize(before);
            assertThat(received).isEmpty();
            assertThat(hub.resume("operator dave"))
                    .as("the hub goes on without it")
                    .isTrue();
        }

        @Test
        void cancellingTheWatchStopsObservingTheHub() throws Exception {
            int before = observers().size();
            watch(0);
            assertThat(observers()).hasSize(before + 1);
            hub.addMember(3, "operator carol");
            await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 1);

            call.get().cancel("the operator pressed ^C", null);

            await().atMost(5, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(observers()).hasSize(before));
            assertThat(hub.addMember(4, "operator carol")).isTrue();
            assertThat(hub.pause("maintenance window", "operator dave")).isTrue();
            assertThat(received).containsExactly(memberAdded(3));
            assertThat(Status.fromThrowable(ended.get()).getCode()).isEqualTo(Status.Code.CANCELLED);
        }

        /** The hub's observers; it offers no count, so the test reads its field. */
        @SuppressWarnings("unchecked")
        /** The hub's observers, as its event log keeps them. */
        private List<FleetObserver> observers() throws ReflectiveOperationException {
            Field eventLog = FleetHub.class.getDeclaredField("events");
            eventLog.setAccessible(true);
            Object events = eventLog.get(hub);
            Field field = events.getClass().getDeclaredField("observers");
            field.setAccessible(true);
            return new ArrayList<>((List<FleetObserver>) field.get(events));
        }
    }

    /** A unary answer as it arrives. */
    private static final class RecordingReply implements StreamObserver<ChangeReply> {
        final List<ChangeReply> replies = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile boolean completed;

        @Override
        public void onNext(ChangeReply value) {
            replies.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }
}
