package dev.muster.coordinator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Blocker;
import dev.muster.coordinator.fleet.Connection;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetHubTest {

    private static final Instant NOW = Instant.parse("2024-04-24T18:33:42Z");
    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";

    private static final RecordingOutbox.Welcomed WELCOMED = new RecordingOutbox.Welcomed(new TreeSet<>(List.of(1, 2)));

    private FleetHub hub;
    private long nextSessionId;
    private long nextInstance;

    @BeforeEach
    void newHub() {
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    private static List<Migration> migrations(String... versions) {
        return Stream.of(versions).map(FleetHubTest::migration).toList();
    }

    /** The hello of a new agent process. */
    private AgentHello hello(int region, Role role, List<String> applied, List<String> available) {
        return hello("agent-" + ++nextInstance, region, role, applied, available);
    }

    /**
     * The hello of agent process {@code instanceId} (and of a database of its own): a reconnect
     * if that process is connected already. "" stands for an agent too old to say either.
     */
    private static AgentHello hello(
            String instanceId, int region, Role role, List<String> applied, List<String> available) {
        return new AgentHello(
                region,
                role,
                "test",
                instanceId,
                instanceId.isEmpty() ? "" : "database-of-" + instanceId,
                migrations(applied.toArray(String[]::new)),
                migrations(available.toArray(String[]::new)));
    }

    /** An agent session: its id, the agent process it belongs to, and everything the hub told it. */
    private record Agent(long sessionId, String instanceId, RecordingOutbox outbox) {}

    private Agent connect(AgentHello hello) {
        Agent agent = new Agent(++nextSessionId, hello.instanceId(), new RecordingOutbox());
        assertThat(hub.hello(agent.sessionId(), "peer-" + agent.sessionId(), hello, agent.outbox()))
                .as("hello of region %d admitted", hello.region())
                .isTrue();
        return agent;
    }

    private Agent globalWithFiles() {
        return connect(hello(GLOBAL, Role.GLOBAL, List.of(), List.of(OLDER, V)));
    }

    private Agent remoteNotYetMigrated(int region) {
        return connect(hello(region, Role.REMOTE, List.of(), List.of(OLDER, V)));
    }

    /** The wait for V on connected members that have V in their files but have not run it. */
    private static Release.Wait waitingOn(Integer... regions) {
        return waitingFor(V, regions);
    }

    /** The wait for {@code version} on connected members that have it in their files but have not run it. */
    private static Release.Wait waitingFor(String version, Integer... regions) {
        return new Release.Wait(
                version,
                Stream.of(regions)
                        .map(region ->
                                new Blocker(region, "region " + region + " has not run migration " + version + " yet"))
                        .toList());
    }

    private static RecordingOutbox.Answered answer(long requestId, Release release) {
        return new RecordingOutbox.Answered(requestId, release);
    }

    @Test
    void aHelloIsWelcomedWithTheMemberRegionsAndRecordsTheConnection() {
        Agent remote = connect(hello(1, Role.REMOTE, List.of(OLDER), List.of(OLDER, V)));

        assertThat(remote.outbox().said()).containsExactly(WELCOMED);
        RegionState state = hub.fleet().region(1).orElseThrow();
        assertThat(state.role()).isEqualTo(Role.REMOTE);
        assertThat(state.applied()).containsOnlyKeys(OLDER);
        assertThat(state.available()).containsOnlyKeys(OLDER, V);
        assertThat(state.connections())
                .containsExactly(new Connection(
                        remote.sessionId(),
                        remote.instanceId(),
                        "database-of-" + remote.instanceId(),
                        "peer-" + remote.sessionId(),
                        NOW));
    }

    @Test
    void theGlobalWaitsOnEachRemoteAndGoesTheMomentTheLastReports() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);

        hub.requestRelease(global.sessionId(), 1, migrations(V));
        assertThat(global.outbox().releases()).containsExactly(waitingOn(1, 2));

        hub.applied(region1.sessionId(), migration(V));
        assertThat(global.outbox().releases()).containsExactly(waitingOn(1, 2), waitingOn(2));

        hub.applied(region2.sessionId(), migration(V));
        assertThat(global.outbox().releases()).containsExactly(waitingOn(1, 2), waitingOn(2), new Release.Go(V));
    }

    @Test
    void aRequestIsJudgedByTheChecksumsItCarriesNotThoseOfTheHello() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);
        hub.applied(region1.sessionId(), migration(V));
        hub.applied(region2.sessionId(), migration(V));

        hub.requestRelease(global.sessionId(), 1, List.of(Migration.of(V, "edited since the hello", 42)));

        assertThat(global.outbox().releases())
                .singleElement()
                .isInstanceOfSatisfying(
                        Release.Reject.class,
                        reject -> assertThat(reject.reason()).contains("checksum mismatch for migration " + V));
    }

    @Test
    void aVersionTheHelloDidNotMentionIsJudgedLikeAnyOther() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);
        String added = "20200501000000";
        hub.applied(region1.sessionId(), migration(added));
        hub.applied(region2.sessionId(), migration(added));

        hub.requestRelease(global.sessionId(), 1, migrations(added));

        assertThat(global.outbox().releases()).containsExactly(new Release.Go(added));
    }

    @Test
    void aRemoteThatAsksIsRejectedSayingWhyAndTheFleetDoesNotChange() {
        globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Fleet before = hub.fleet();
        List<FleetEvent> events = new ArrayList<>();
        hub.observe((fleet, happened) -> events.addAll(happened));

        hub.requestRelease(region1.sessionId(), 4, migrations(OLDER, V, "20210101000000"));

        assertThat(region1.outbox().answers()).singleElement().satisfies(answered -> {
            assertThat(answered.requestId()).isEqualTo(4);
            assertThat(answered.release())
                    .isInstanceOfSatisfying(
                            Release.Reject.class,
                            reject -> assertThat(reject.reason())
                                    .contains("region 1 is a remote, and a remote does not ask for release")
                                    .contains("applies its migrations at once and reports each")
                                    .contains("only the global's agent asks")
                                    .contains("role: global"));
        });
        assertThat(hub.fleet()).as("not even the versions it named").isEqualTo(before);
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(EventKind.REJECTED);
            assertThat(event.region()).hasValue(1);
            assertThat(event.detail()).contains("a remote does not ask for release");
        });
    }

    @Test
    void aRegionThatWasTheGlobalNoLongerWaitsOnceItsAgentSaysItIsARemote() {
        Agent global = globalWithFiles();
        hub.requestRelease(global.sessionId(), 1, migrations(V));
        hub.ended(global.sessionId());
        assertThat(hub.fleet().region(GLOBAL).orElseThrow().waiting()).isPresent();

        connect(hello(GLOBAL, Role.REMOTE, List.of(OLDER), List.of(OLDER, V)));

        assertThat(hub.fleet().region(GLOBAL).orElseThrow().role()).isEqualTo(Role.REMOTE);
        assertThat(hub.fleet().region(GLOBAL).orElseThrow().waiting()).isEmpty();
    }

    @Test
    void anUnchangedWaitIsNotSentAgain() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        remoteNotYetMigrated(2);
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        hub.applied(region1.sessionId(), migration(OLDER));
        connect(hello(7, Role.REMOTE, List.of(V), List.of(V)));
        hub.failed(region1.sessionId(), V, "disk full");

        assertThat(global.outbox().releases()).containsExactly(waitingOn(1, 2));
    }

    @Test
    void aWaitWhoseReasonChangesIsSentAgainWithTheNewReason() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        hub.ended(region1.sessionId());

        assertThat(global.outbox().releases()).hasSize(2).last().isInstanceOfSatisfying(Release.Wait.class, wait -> {
            assertThat(wait.regions()).containsExactly(1, 2);
            assertThat(wait.blockers().get(0).reason()).endsWith("(its agent is not connected)");
        });
    }

    @Test
    void aGoSettlesTheRequestSoLaterReportsSendNothing() {
        Agent global = globalWithFiles();
        Agent region1 = connect(hello(1, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));
        connect(hello(2, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));

        hub.requestRelease(global.sessionId(), 1, migrations(OLDER, V));
        hub.applied(region1.sessionId(), migration("20210101000000"));
        hub.ended(region1.sessionId());

        assertThat(global.outbox().releases()).containsExactly(new Release.Go(V));
    }

    @Test
    void aWithdrawnRequestIsTurnedDownWithTheReasonAndItsWaitIsGone() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        remoteNotYetMigrated(2);
        hub.requestRelease(global.sessionId(), 7, migrations(V));

        hub.withdrawRelease(GLOBAL, "the upgrade stopped");
        hub.applied(region1.sessionId(), migration(V));

        assertThat(global.outbox().releases())
                .containsExactly(waitingOn(1, 2), new Release.Reject("the upgrade stopped"));
        assertThat(global.outbox().said()).contains(answer(7, new Release.Reject("the upgrade stopped")));
        assertThat(hub.fleet().region(GLOBAL).orElseThrow().waiting()).isEmpty();
    }

    @Test
    void withdrawingWithoutAnOpenRequestSendsNothingAndALaterRequestIsJudgedAsEver() {
        Agent global = globalWithFiles();
        connect(hello(1, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));
        connect(hello(2, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));

        hub.withdrawRelease(GLOBAL, "the upgrade stopped");
        hub.requestRelease(global.sessionId(), 1, migrations(OLDER, V));

        assertThat(global.outbox().releases()).containsExactly(new Release.Go(V));
    }

    @Test
    void aChecksumMismatchIsRejected() {
        Agent global = globalWithFiles();
        connect(new AgentHello(
                1,
                Role.REMOTE,
                "test",
                "agent-with-other-checksums",
                "",
                List.of(Migration.of(V, "other", 1)),
                List.of()));
        remoteNotYetMigrated(2);

        hub.requestRelease(global.sessionId(), 1, migrations(V));

        assertThat(global.outbox().releases())
                .singleElement()
                .isInstanceOfSatisfying(
                        Release.Reject.class,
                        reject -> assertThat(reject.reason())
                                .contains("checksum mismatch")
                                .contains("region 1"));
    }

    @Test
    void everyAnswerCarriesTheIdOfTheRequestItAnswers() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);

        hub.requestRelease(region1.sessionId(), 5, migrations(V));
        hub.requestRelease(global.sessionId(), 7, migrations(V));
        hub.applied(region1.sessionId(), migration(V));
        hub.applied(region2.sessionId(), migration(V));

        assertThat(region1.outbox().answers()).singleElement().satisfies(answered -> {
            assertThat(answered.requestId()).isEqualTo(5);
            assertThat(answered.release()).isInstanceOf(Release.Reject.class);
        });
        assertThat(global.outbox().answers())
                .containsExactly(answer(7, waitingOn(1, 2)), answer(7, waitingOn(2)), answer(7, new Release.Go(V)));
    }

    @Test
    void aRejectCarriesTheIdOfTheRequestItAnswers() {
        Agent global = globalWithFiles();
        connect(new AgentHello(
                1,
                Role.REMOTE,
                "test",
                "agent-with-other-checksums",
                "",
                List.of(Migration.of(V, "other", 1)),
                List.of()));

        hub.requestRelease(global.sessionId(), 3, migrations(V));

        assertThat(global.outbox().answers()).singleElement().satisfies(answered -> {
            assertThat(answered.requestId()).isEqualTo(3);
            assertThat(answered.release()).isInstanceOf(Release.Reject.class);
        });
    }

    @Test
    void aNewerRequestIsAnsweredEvenWithTheSameWaitAndLaterChangesAnswerIt() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        hub.requestRelease(global.sessionId(), 2, migrations(V));
        hub.applied(region1.sessionId(), migration(V));
        hub.applied(region2.sessionId(), migration(V));

        assertThat(global.outbox().answers())
                .containsExactly(
                        answer(1, waitingOn(1, 2)),
                        answer(2, waitingOn(1, 2)),
                        answer(2, waitingOn(2)),
                        answer(2, new Release.Go(V)));
    }

    @Test
    void aNewerRequestReplacesTheOlderSoTheOlderIsNeverAnsweredAgain() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        hub.requestRelease(global.sessionId(), 2, migrations(OLDER));
        hub.applied(region1.sessionId(), migration(OLDER));
        hub.applied(region2.sessionId(), migration(OLDER));
        hub.applied(region1.sessionId(), migration(V));
        hub.applied(region2.sessionId(), migration(V));

        assertThat(global.outbox().answers())
                .containsExactly(
                        answer(1, waitingOn(1, 2)),
                        answer(2, waitingFor(OLDER, 1, 2)),
                        answer(2, waitingFor(OLDER, 2)),
                        answer(2, new Release.Go(OLDER)));
    }

    @Test
    void aReconnectWithTheSameHelloLeavesTheSameState() {
        AgentHello hello = hello(1, Role.REMOTE, List.of(OLDER), List.of(OLDER, V));
        Agent first = connect(hello);
        RegionState before = hub.fleet().region(1).orElseThrow();

        hub.ended(first.sessionId());
        Agent second = connect(hello);

        RegionState after = hub.fleet().region(1).orElseThrow();
        assertThat(after.applied()).isEqualTo(before.applied());
        assertThat(after.available()).isEqualTo(before.available());
        assertThat(after.connections()).extracting(Connection::sessionId).containsExactly(second.sessionId());
    }

    @Test
    void aReconnectWhoseHelloShowsTheVersionAppliedReleasesTheWaitingGlobal() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        connect(hello(2, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        // The agent applied V while its session was broken, and says so in its next hello.
        hub.ended(region1.sessionId());
        connect(hello(1, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));

        assertThat(global.outbox().releases()).first().isEqualTo(waitingOn(1));
        assertThat(global.outbox().releases()).last().isEqualTo(new Release.Go(V));
    }

    @Test
    void aMemberThatAppliedAndThenDisconnectedDoesNotHoldTheGlobal() {
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);
        hub.applied(region1.sessionId(), migration(V));
        hub.applied(region2.sessionId(), migration(V));
        hub.ended(region1.sessionId());
        hub.ended(region2.sessionId());
        Agent global = globalWithFiles();

        hub.requestRelease(global.sessionId(), 1, migrations(V));

        assertThat(global.outbox().releases()).containsExactly(new Release.Go(V));
    }

    @Test
    void aSecondAgentClaimingARegionIsRefusedAndTheFirstKeepsIt() {
        Agent first = remoteNotYetMigrated(1);
        RecordingOutbox refusedOutbox = new RecordingOutbox();
        long refusedSession = ++nextSessionId;

        boolean admitted =
                hub.hello(refusedSession, "intruder", hello(1, Role.REMOTE, List.of(), List.of()), refusedOutbox);

        assertThat(admitted).isFalse();
        assertThat(refusedOutbox.said())
                .singleElement()
                .isInstanceOfSatisfying(
                        RecordingOutbox.Refused.class,
                        refused -> assertThat(refused.reason()).contains("two agents claim region 1"));
        hub.ended(refusedSession);
        assertThat(hub.fleet().region(1).orElseThrow().connections())
                .extracting(Connection::sessionId)
                .containsExactly(first.sessionId());
        assertThat(first.outbox().said())
                .as("the first agent's session goes on")
                .containsExactly(WELCOMED);
        assertThatThrownBy(() -> hub.requestRelease(refusedSession, 1, migrations(V)))
                .isInstanceOf(ProtocolViolation.class);
    }

    @Test
    void anAgentThatDoesNotSayItsInstanceIsRefusedWhileItsRegionLooksLive() {
        Agent first = connect(hello("", 1, Role.REMOTE, List.of(), List.of(OLDER, V)));
        RecordingOutbox refusedOutbox = new RecordingOutbox();

        boolean admitted =
                hub.hello(++nextSessionId, "again", hello("", 1, Role.REMOTE, List.of(), List.of()), refusedOutbox);

        assertThat(admitted).isFalse();
        assertThat(refusedOutbox.said()).singleElement().isInstanceOf(RecordingOutbox.Refused.class);
        assertThat(first.outbox().said()).containsExactly(WELCOMED);
        assertThat(hub.fleet().region(1).orElseThrow().connections())
                .extracting(Connection::sessionId)
                .containsExactly(first.sessionId());
    }

    @Test
    void theSameAgentReconnectingSupersedesItsSessionThatStillLooksLive() {
        Agent old = connect(hello(1, Role.REMOTE, List.of(), List.of(OLDER, V)));

        Agent renewed = connect(hello(old.instanceId(), 1, Role.REMOTE, List.of(OLDER), List.of(OLDER, V)));

        assertThat(old.outbox().said()).containsExactly(WELCOMED, new RecordingOutbox.Superseded());
        assertThat(renewed.outbox().said()).containsExactly(WELCOMED);
        RegionState state = hub.fleet().region(1).orElseThrow();
        assertThat(state.connections())
                .containsExactly(new Connection(
                        renewed.sessionId(),
                        old.instanceId(),
                        "database-of-" + old.instanceId(),
                        "peer-" + renewed.sessionId(),
                        NOW));
        assertThat(state.applied()).as("what the new hello reports").containsOnlyKeys(OLDER);
        assertThatThrownBy(() -> hub.applied(old.sessionId(), migration(V)))
                .as("the superseded session is gone")
                .isInstanceOf(ProtocolViolation.class);
    }

    @Test
    void theSupersededSessionsLateEndChangesNothing() {
        Agent old = remoteNotYetMigrated(1);
        Agent renewed = connect(hello(old.instanceId(), 1, Role.REMOTE, List.of(), List.of(OLDER, V)));
        Fleet before = hub.fleet();

        hub.ended(old.sessionId());

        assertThat(hub.fleet()).isEqualTo(before);
        assertThat(hub.fleet().region(1).orElseThrow().connections())
                .extracting(Connection::sessionId)
                .containsExactly(renewed.sessionId());
        hub.requestRelease(renewed.sessionId(), 1, migrations(V));
        assertThat(renewed.outbox().answers())
                .as("the renewed session is the one answered")
                .singleElement()
                .satisfies(answered -> {
                    assertThat(answered.requestId()).isEqualTo(1);
                    assertThat(answered.release()).isInstanceOf(Release.Reject.class);
                });
        assertThat(old.outbox().said()).containsExactly(WELCOMED, new RecordingOutbox.Superseded());
    }

    @Test
    void aMemberThatReconnectsHavingAppliedTheVersionReleasesTheWaitingGlobalAtOnce() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        connect(hello(2, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));
        hub.requestRelease(global.sessionId(), 4, migrations(V));

        // Its session broke while it applied V; the coordinator had not noticed yet.
        connect(hello(region1.instanceId(), 1, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));
        hub.ended(region1.sessionId());

        assertThat(global.outbox().answers())
                .as("no wait on a disconnected region 1 in between")
                .containsExactly(answer(4, waitingOn(1)), answer(4, new Release.Go(V)));
        assertThat(region1.outbox().said()).containsExactly(WELCOMED, new RecordingOutbox.Superseded());
    }

    @Test
    void aGlobalThatReconnectsWhileWaitingIsAnsweredOnItsNewSessionOnly() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        connect(hello(2, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V)));
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        Agent renewed = connect(hello(global.instanceId(), GLOBAL, Role.GLOBAL, List.of(), List.of(OLDER, V)));
        hub.requestRelease(renewed.sessionId(), 2, migrations(V));
        hub.applied(region1.sessionId(), migration(V));

        assertThat(global.outbox().said())
                .containsExactly(WELCOMED, answer(1, waitingOn(1)), new RecordingOutbox.Superseded());
        assertThat(renewed.outbox().answers()).containsExactly(answer(2, waitingOn(1)), answer(2, new Release.Go(V)));
        assertThat(hub.fleet().connectedGlobal()).map(RegionState::region).contains(GLOBAL);
    }

    @Test
    void messagesBeforeHelloAreProtocolViolations() {
        assertThatThrownBy(() -> hub.requestRelease(42, 1, migrations(V)))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("came before hello");
        assertThatThrownBy(() -> hub.applied(42, migration(V)))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("came before hello");
        assertThatThrownBy(() -> hub.failed(42, V, "boom"))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("came before hello");
    }

    @Test
    void aSecondHelloOnOneSessionIsAProtocolViolation() {
        Agent region1 = remoteNotYetMigrated(1);

        assertThatThrownBy(() -> hub.hello(
                        region1.sessionId(), "again", hello(1, Role.REMOTE, List.of(), List.of()), region1.outbox()))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("only once");
    }

    @Test
    void aReleaseRequestWithoutVersionsIsAProtocolViolation() {
        Agent global = globalWithFiles();

        assertThatThrownBy(() -> hub.requestRelease(global.sessionId(), 1, migrations()))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("at least one migration");
    }

    @Test
    void endedIsIdempotentAndKeepsWhatTheRegionApplied() {
        Agent region1 = connect(hello(1, Role.REMOTE, List.of(OLDER), List.of(OLDER)));

        hub.ended(region1.sessionId());
        Fleet afterFirst = hub.fleet();
        hub.ended(region1.sessionId());
        hub.ended(12345);

        assertThat(hub.fleet()).isEqualTo(afterFirst);
        RegionState state = afterFirst.region(1).orElseThrow();
        assertThat(state.connected()).isFalse();
        assertThat(state.applied()).containsOnlyKeys(OLDER);
        assertThatThrownBy(() -> hub.applied(region1.sessionId(), migration(V))).isInstanceOf(ProtocolViolation.class);
    }

    @Test
    void aGlobalThatDisconnectedWhileWaitingIsNotAnsweredLater() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        connect(hello(2, Role.REMOTE, List.of(V), List.of(V)));
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        hub.ended(global.sessionId());
        hub.applied(region1.sessionId(), migration(V));

        assertThat(global.outbox().releases()).containsExactly(waitingOn(1));
    }

    @Test
    void aSecondAgentOfTheSameDatabaseSharesTheRegionAndItStaysConnectedUntilBothLeave() {
        Agent daemon = connect(hello("daemon", 1, Role.REMOTE, List.of(OLDER), List.of(OLDER, V)));
        Agent command = connect(new AgentHello(
                1,
                Role.REMOTE,
                "test",
                "migrate-by-hand",
                "database-of-daemon",
                migrations(OLDER),
                migrations(OLDER, V)));
        Agent global = globalWithFiles();
        remoteNotYetMigrated(2);
        hub.requestRelease(global.sessionId(), 1, migrations(V));

        hub.applied(command.sessionId(), migration(V));
        hub.ended(command.sessionId());

        RegionState region1 = hub.fleet().region(1).orElseThrow();
        assertThat(region1.connections()).extracting(Connection::sessionId).containsExactly(daemon.sessionId());
        assertThat(region1.applied()).containsKeys(V);
        assertThat(daemon.outbox().said()).as("the daemon's session goes on").containsExactly(WELCOMED);
        assertThat(global.outbox().releases()).containsExactly(waitingOn(1, 2), waitingOn(2));
        hub.ended(daemon.sessionId());
        assertThat(hub.fleet().region(1).orElseThrow().connected()).isFalse();
    }

    @Test
    void theNewestReplicationReportIsKeptAcrossSessions() {
        Agent daemon = remoteNotYetMigrated(1);
        ReplicationHealth broken = health(new ReplicationHealth.Slot(
                "region_1_subscription",
                false,
                java.util.OptionalLong.of(1 << 20),
                java.util.Optional.of("lost"),
                java.util.OptionalLong.empty(),
                java.util.OptionalLong.empty(),
                java.util.Optional.empty()));
        ReplicationHealth healthy = health(new ReplicationHealth.Slot(
                "region_1_subscription",
                true,
                java.util.OptionalLong.of(0),
                java.util.Optional.of("reserved"),
                java.util.OptionalLong.empty(),
                java.util.OptionalLong.of(0),
                java.util.Optional.of(java.time.Duration.ZERO)));

        hub.replicationReport(daemon.sessionId(), broken);
        hub.replicationReport(daemon.sessionId(), healthy);
        hub.ended(daemon.sessionId());
        remoteNotYetMigrated(1);

        assertThat(hub.fleet().region(1).orElseThrow().replication()).contains(healthy);
    }

    @Test
    void aReplicationReportBeforeHelloBreaksTheProtocol() {
        assertThatThrownBy(() -> hub.replicationReport(42, health()))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("before hello");
    }

    private static ReplicationHealth health(ReplicationHealth.Slot... slots) {
        return new ReplicationHealth(
                NOW, List.of(), java.util.Optional.empty(), List.of(slots), java.util.Optional.empty());
    }
}
