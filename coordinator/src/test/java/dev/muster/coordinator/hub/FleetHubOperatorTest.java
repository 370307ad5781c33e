package dev.muster.coordinator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.coordinator.ManualClock;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.events.MigrationRun;
import dev.muster.coordinator.fleet.Blocker;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.ForcedRelease;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Pause;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What operators do to a running hub (members, pause, resume, forced releases) and what the hub tells observers. */
class FleetHubOperatorTest {

    private static final Instant NOW = Instant.parse("2024-04-24T18:33:42Z");
    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";
    private static final String ALICE = "operator alice@ops-1";
    private static final String BOB = "operator bob@ops-2";

    /** Each step the test moves the clock on, so that times the hub records can be told apart. */
    private static final Duration STEP = Duration.ofMinutes(1);

    private ManualClock clock;
    private FleetHub hub;
    private RecordingObserver observer;
    private long nextSessionId;
    private long nextInstance;

    @BeforeEach
    void newHub() {
        clock = new ManualClock(NOW);
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), clock);
        observer = new RecordingObserver();
        hub.observe(observer);
    }

    /** One call of {@link FleetObserver#changed}. */
    private record Change(Fleet fleet, List<FleetEvent> events) {}

    private static final class RecordingObserver implements FleetObserver {
        private final List<Change> changes = new ArrayList<>();

        @Override
        public void changed(Fleet fleet, List<FleetEvent> events) {
            changes.add(new Change(fleet, events));
        }

        List<Change> changes() {
            return List.copyOf(changes);
        }

        Change last() {
            return changes.get(changes.size() - 1);
        }

        List<FleetEvent> events() {
            return changes.stream().flatMap(change -> change.events().stream()).toList();
        }
    }

    private static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    private static List<Migration> migrations(String... versions) {
        return Stream.of(versions).map(FleetHubOperatorTest::migration).toList();
    }

    private AgentHello hello(int region, Role role, List<String> applied, List<String> available) {
        String instanceId = "agent-" + ++nextInstance;
        return new AgentHello(
                region,
                role,
                "test",
                instanceId,
                "database-of-" + instanceId,
                migrations(applied.toArray(String[]::new)),
                migrations(available.toArray(String[]::new)));
    }

    private record Agent(long sessionId, RecordingOutbox outbox) {}

    private Agent connect(AgentHello hello) {
        Agent agent = new Agent(++nextSessionId, new RecordingOutbox());
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

    /** The global connected and asking for V while members 1 and 2 have not run it. */
    private record WaitingFleet(Agent global, Agent region1, Agent region2) {}

    private WaitingFleet globalWaitingOnBoth() {
        Agent global = globalWithFiles();
        Agent region1 = remoteNotYetMigrated(1);
        Agent region2 = remoteNotYetMigrated(2);
        hub.requestRelease(global.sessionId(), 1, migrations(V));
        assertThat(global.outbox().releases()).containsExactly(waitingOn(1, 2));
        return new WaitingFleet(global, region1, region2);
    }

    private static Release.Wait waitingOn(Integer... regions) {
        return new Release.Wait(
                V,
                Stream.of(regions)
                        .map(region -> new Blocker(region, "region " + region + " has not run migration " + V + " yet"))
                        .toList());
    }

    private static String heldBy(String actor, Instant at, String reason) {
        return "the fleet was paused by " + actor + " at " + at + " (" + reason + "); 'muster resume' lets it go on";
    }

    private static FleetEvent regionEvent(Instant at, int region, EventKind kind, String actor, String detail) {
        return FleetEvent.of(at, region, kind, actor, detail);
    }

    /** The event of a report of {@code version} that did not say how long it ran. */
    private static FleetEvent appliedEvent(Instant at, int region, String version) {
        return regionEvent(
                        at,
                        region,
                        EventKind.MIGRATION_APPLIED,
                        "region " + region + "'s agent",
                        version + " (migration " + version + ")")
                .recording(List.of(new MigrationRun(version, Optional.empty())));
    }

    private static FleetEvent fleetEvent(Instant at, EventKind kind, String actor, String detail) {
        return FleetEvent.ofFleet(at, kind, actor, detail);
    }

    private RegionState state(int region) {
        return hub.fleet().region(region).orElseThrow();
    }

    @Nested
    class Members {

        @Test
        void removingTheLastMemberThatHoldsTheGlobalSendsGoAtOnce() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.applied(fleet.region1().sessionId(), migration(V));

            assertThat(hub.removeMember(2, ALICE)).isTrue();

            assertThat(fleet.global().outbox().releases())
                    .containsExactly(waitingOn(1, 2), waitingOn(2), new Release.Go(V));
            assertThat(hub.fleet().members()).containsExactly(1);
            assertThat(state(2).connected())
                    .as("a connected region stays known")
                    .isTrue();
            assertThat(observer.last().events())
                    .containsExactly(
                            regionEvent(
                                    NOW, 2, EventKind.MEMBER_REMOVED, ALICE, "the global no longer waits for region 2"),
                            regionEvent(
                                    NOW, GLOBAL, EventKind.RELEASED, "coordinator", "released up to migration " + V));
        }

        @Test
        void removingADisconnectedMemberForgetsItAndReleasesTheGlobal() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.applied(fleet.region1().sessionId(), migration(V));
            hub.ended(fleet.region2().sessionId());

            assertThat(hub.removeMember(2, ALICE)).isTrue();

            assertThat(fleet.global().outbox().releases()).last().isEqualTo(new Release.Go(V));
            assertThat(hub.fleet().region(2)).isEmpty();
        }

        @Test
        void removingAMemberThatNeverConnectedReleasesTheGlobal() {
            Agent global = globalWithFiles();
            connect(hello(1, Role.REMOTE, List.of(V), List.of(V)));
            hub.requestRelease(global.sessionId(), 1, migrations(V));
            assertThat(global.outbox().releases())
                    .singleElement()
                    .isEqualTo(new Release.Wait(
                            V,
                            List.of(new Blocker(
                                    2,
                                    "region 2 has not connected to the coordinator yet, so it is not known to have run "
                                            + V))));

            assertThat(hub.removeMember(2, ALICE)).isTrue();

            assertThat(global.outbox().releases()).last().isEqualTo(new Release.Go(V));
        }

        @Test
        void addingAMemberWhileTheGlobalWaitsNamesItInTheWait() {
            WaitingFleet fleet = globalWaitingOnBoth();

            assertThat(hub.addMember(3, ALICE)).isTrue();

            Release.Wait withThree = new Release.Wait(
                    V,
                    List.of(
                            new Blocker(1, "region 1 has not run migration " + V + " yet"),
                            new Blocker(2, "region 2 has not run migration " + V + " yet"),
                            new Blocker(
                                    3,
                                    "region 3 has not connected to the coordinator yet, so it is not known to have run "
                                            + V)));
            assertThat(fleet.global().outbox().releases()).containsExactly(waitingOn(1, 2), withThree);
            assertThat(hub.fleet().members()).containsExactly(1, 2, 3);
            assertThat(state(GLOBAL).waiting()).contains(new Waiting(V, List.of(1, 2, 3), Optional.empty(), NOW));
            assertThat(observer.last().events())
                    .containsExactly(
                            regionEvent(
                                    NOW, 3, EventKind.MEMBER_ADDED, ALICE, "the global waits for region 3 from now on"),
                            regionEvent(
                                    NOW,
                                    GLOBAL,
                                    EventKind.WAITING,
                                    "coordinator",
                                    "migration " + V + " waits for regions [1, 2, 3]"));
        }

        @Test
        void anAddedMemberKeepsTheGlobalWaitingAfterTheOthersReport() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.addMember(3, ALICE);

            hub.applied(fleet.region1().sessionId(), migration(V));
            hub.applied(fleet.region2().sessionId(), migration(V));
            assertThat(fleet.global().outbox().releases())
                    .last()
                    .isInstanceOfSatisfying(
                            Release.Wait.class,
                            wait -> assertThat(wait.regions()).containsExactly(3));

            Agent region3 = connect(hello(3, Role.REMOTE, List.of(V), List.of(V)));

            assertThat(fleet.global().outbox().releases()).last().isEqualTo(new Release.Go(V));
            assertThat(region3.outbox().said())
                    .containsExactly(new RecordingOutbox.Welcomed(new TreeSet<>(List.of(1, 2, 3))));
        }

        @Test
        void addingAMemberThatIsAlreadyOneOrRemovingANonMemberChangesNothing() {
            globalWaitingOnBoth();
            Fleet before = hub.fleet();
            int calls = observer.changes().size();

            assertThat(hub.addMember(1, ALICE)).isFalse();
            assertThat(hub.removeMember(7, ALICE)).isFalse();

            assertThat(hub.fleet()).isEqualTo(before);
            assertThat(observer.changes()).hasSize(calls);
        }

        @Test
        void theConnectedGlobalsRegionCannotBecomeAMember() {
            Agent global = globalWithFiles();
            int calls = observer.changes().size();

            assertThatThrownBy(() -> hub.addMember(GLOBAL, ALICE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("region 99 is the global; only remote regions are members");

            assertThat(hub.fleet().members()).containsExactly(1, 2);
            assertThat(observer.changes()).hasSize(calls);
            assertThat(global.outbox().said()).hasSize(1);
        }

        @Test
        void theRegionOfADisconnectedGlobalCannotBecomeAMemberEither() {
            Agent global = globalWithFiles();
            hub.ended(global.sessionId());

            assertThatThrownBy(() -> hub.addMember(GLOBAL, ALICE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("region 99 is the global; only remote regions are members");
            assertThat(hub.fleet().members()).containsExactly(1, 2);
        }
    }

    @Nested
    class PauseAndResume {

        @Test
        void pausingTurnsAWaitingGlobalsWaitIntoAHold() {
            WaitingFleet fleet = globalWaitingOnBoth();
            Instant pausedAt = clock.advance(STEP);

            assertThat(hub.pause("replication lag in region 2", ALICE)).isTrue();

            String held = heldBy(ALICE, pausedAt, "replication lag in region 2");
            assertThat(fleet.global().outbox().answers())
                    .containsExactly(
                            new RecordingOutbox.Answered(1, waitingOn(1, 2)),
                            new RecordingOutbox.Answered(1, new Release.Hold(V, held)));
            assertThat(hub.fleet().pause()).contains(new Pause("replication lag in region 2", ALICE, pausedAt));
            assertThat(state(GLOBAL).waiting())
                    .as("since: when V began to wait")
                    .contains(new Waiting(V, List.of(), Optional.of(held), NOW));
            assertThat(observer.last().events())
                    .containsExactly(
                            fleetEvent(pausedAt, EventKind.PAUSED, ALICE, "replication lag in region 2"),
                            regionEvent(
                                    pausedAt,
                                    GLOBAL,
                                    EventKind.HELD,
                                    "coordinator",
                                    "migration " + V + " is held: " + held));
        }

        @Test
        void resumingSendsTheWaitTheGlobalWouldHaveHad() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.pause("look first", ALICE);
            Instant resumedAt = clock.advance(STEP);

            assertThat(hub.resume(BOB)).isTrue();

            assertThat(fleet.global().outbox().releases())
                    .containsExactly(
                            waitingOn(1, 2), new Release.Hold(V, heldBy(ALICE, NOW, "look first")), waitingOn(1, 2));
            assertThat(hub.fleet().paused()).isFalse();
            assertThat(state(GLOBAL).waiting()).contains(new Waiting(V, List.of(1, 2), Optional.empty(), NOW));
            assertThat(observer.last().events())
                    .containsExactly(
                            fleetEvent(resumedAt, EventKind.RESUMED, BOB, "releases go on"),
                            regionEvent(
                                    resumedAt,
                                    GLOBAL,
                                    EventKind.WAITING,
                                    "coordinator",
                                    "migration " + V + " waits for regions [1, 2]"));
        }

        @Test
        void membersReportingDuringAPauseReleaseTheGlobalOnlyOnResume() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.applied(fleet.region1().sessionId(), migration(V));
            hub.pause("look first", ALICE);

            hub.applied(fleet.region2().sessionId(), migration(V));

            List<Release> held =
                    List.of(waitingOn(1, 2), waitingOn(2), new Release.Hold(V, heldBy(ALICE, NOW, "look first")));
            assertThat(fleet.global().outbox().releases()).isEqualTo(held);
            assertThat(observer.last().events()).containsExactly(appliedEvent(NOW, 2, V));

            hub.resume(BOB);

            assertThat(fleet.global().outbox().releases()).hasSize(4).last().isEqualTo(new Release.Go(V));
            assertThat(state(GLOBAL).waiting()).isEmpty();
        }

        @Test
        void aRemoteAskingDuringAPauseIsRejectedAsAtAnyTimeAndTheResumeSendsItNothing() {
            Agent region1 = remoteNotYetMigrated(1);
            hub.pause("look first", ALICE);

            hub.requestRelease(region1.sessionId(), 3, migrations(OLDER, V));
            hub.resume(BOB);

            assertThat(region1.outbox().answers()).singleElement().satisfies(answered -> {
                assertThat(answered.requestId()).isEqualTo(3);
                assertThat(answered.release())
                        .isInstanceOfSatisfying(
                                Release.Reject.class,
                                reject -> assertThat(reject.reason())
                                        .contains("a remote does not ask for release")
                                        .doesNotContain("paused"));
            });
            assertThat(state(1).waiting()).isEmpty();
        }

        @Test
        void pausingAPausedFleetOrResumingARunningOneChangesNothing() {
            globalWaitingOnBoth();

            assertThat(hub.resume(BOB)).as("not paused").isFalse();
            assertThat(hub.pause("first", ALICE)).isTrue();
            Fleet paused = hub.fleet();
            int calls = observer.changes().size();
            clock.advance(STEP);

            assertThat(hub.pause("second", BOB)).isFalse();

            assertThat(hub.fleet()).isEqualTo(paused);
            assertThat(hub.fleet().pause()).contains(new Pause("first", ALICE, NOW));
            assertThat(observer.changes()).hasSize(calls);
            assertThat(observer.events())
                    .extracting(FleetEvent::kind)
                    .containsOnlyOnce(EventKind.PAUSED)
                    .doesNotContain(EventKind.RESUMED);
        }

        @Test
        void aPauseWithNothingWaitingRecordsOnlyThePause() {
            remoteNotYetMigrated(1);

            hub.pause("weekend freeze", ALICE);

            assertThat(observer.last().events())
                    .containsExactly(fleetEvent(NOW, EventKind.PAUSED, ALICE, "weekend freeze"));
        }
    }

    @Nested
    class ForcedReleases {

        @Test
        void aForcedReleaseSendsGoToTheWaitingGlobalAndRecordsWhoAndWhy() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.applied(fleet.region1().sessionId(), migration(V));
            Instant forcedAt = clock.advance(STEP);

            hub.forceRelease(V, "region 2 is being rebuilt", BOB);

            assertThat(fleet.global().outbox().answers())
                    .last()
                    .isEqualTo(new RecordingOutbox.Answered(1, new Release.Go(V)));
            assertThat(hub.fleet().forced())
                    .containsExactly(Map.entry(V, new ForcedRelease(V, "region 2 is being rebuilt", BOB, forcedAt)));
            assertThat(state(GLOBAL).waiting()).isEmpty();
            assertThat(observer.last().events())
                    .containsExactly(
                            fleetEvent(
                                    forcedAt,
                                    EventKind.FORCED_RELEASE,
                                    BOB,
                                    V
                                            + " released by force: region 2 is being rebuilt (regions [2] had not applied it)"),
                            regionEvent(
                                    forcedAt,
                                    GLOBAL,
                                    EventKind.RELEASED,
                                    "coordinator",
                                    "released up to migration " + V));
        }

        @Test
        void theDetailNamesMembersThatNeverConnected() {
            Agent global = globalWithFiles();
            hub.requestRelease(global.sessionId(), 1, migrations(V));

            hub.forceRelease(V, "regions are not deployed yet", BOB);

            assertThat(global.outbox().releases()).last().isEqualTo(new Release.Go(V));
            assertThat(observer.last().events())
                    .first()
                    .isEqualTo(
                            fleetEvent(
                                    NOW,
                                    EventKind.FORCED_RELEASE,
                                    BOB,
                                    V
                                            + " released by force: regions are not deployed yet (regions [1, 2] had not applied it)"));
        }

        @Test
        void theDetailNamesNoRegionsWhenEveryMemberHadApplied() {
            connect(hello(1, Role.REMOTE, List.of(V), List.of(V)));
            connect(hello(2, Role.REMOTE, List.of(V), List.of(V)));

            hub.forceRelease(V, "belt and braces", BOB);

            assertThat(observer.last().events())
                    .containsExactly(
                            fleetEvent(NOW, EventKind.FORCED_RELEASE, BOB, V + " released by force: belt and braces"));
        }

        @Test
        void aForcedReleaseDoesNotLiftAPause() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.pause("look first", ALICE);

            hub.forceRelease(V, "region 2 is being rebuilt", BOB);

            assertThat(fleet.global().outbox().releases()).last().isInstanceOf(Release.Hold.class);
            hub.resume(ALICE);
            assertThat(fleet.global().outbox().releases()).last().isEqualTo(new Release.Go(V));
        }

        @Test
        void aGlobalAskingAfterTheForcedReleaseGoesAtOnce() {
            hub.forceRelease(V, "region 2 is being rebuilt", BOB);
            Agent global = globalWithFiles();

            hub.requestRelease(global.sessionId(), 1, migrations(V));

            assertThat(global.outbox().releases()).containsExactly(new Release.Go(V));
        }
    }

    @Nested
    class Observers {

        @Test
        void observingDeliversTheCurrentFleetAtOnceWithNoEvents() {
            assertThat(observer.changes()).containsExactly(new Change(Fleet.withMembers(List.of(1, 2)), List.of()));
            globalWaitingOnBoth();
            RecordingObserver late = new RecordingObserver();

            hub.observe(late);

            assertThat(late.changes()).containsExactly(new Change(hub.fleet(), List.of()));
        }

        @Test
        void everyChangeCallsObserversOnceWithTheNewFleetAndItsEventsInOrder() {
            Agent global = globalWithFiles();
            Agent region1 = remoteNotYetMigrated(1);
            Agent region2 = connect(hello(2, Role.REMOTE, List.of(), List.of(OLDER, V)));
            List<Fleet> fleets = new ArrayList<>();
            fleets.add(hub.fleet());
            hub.requestRelease(global.sessionId(), 1, migrations(V));
            fleets.add(hub.fleet());
            hub.applied(region1.sessionId(), migration(V));
            fleets.add(hub.fleet());
            hub.applied(region2.sessionId(), migration(V));
            fleets.add(hub.fleet());

            List<Change> changes = observer.changes();
            assertThat(changes).hasSize(7);
            assertThat(changes.get(1).events())
                    .containsExactly(regionEvent(
                            NOW,
                            GLOBAL,
                            EventKind.CONNECTED,
                            "region 99's agent",
                            "global, agent test from peer-1: 0 migrations applied, 2 available"));
            assertThat(changes.get(2).events())
                    .containsExactly(regionEvent(
                            NOW,
                            1,
                            EventKind.CONNECTED,
                            "region 1's agent",
                            "remote, agent test from peer-2: 0 migrations applied, 2 available"));
            assertThat(changes.subList(3, 7)).extracting(Change::fleet).isEqualTo(fleets);
            assertThat(changes.get(4).events())
                    .containsExactly(regionEvent(
                            NOW,
                            GLOBAL,
                            EventKind.WAITING,
                            "coordinator",
                            "migration " + V + " waits for regions [1, 2]"));
            assertThat(changes.get(5).events())
                    .containsExactly(
                            appliedEvent(NOW, 1, V),
                            regionEvent(
                                    NOW,
                                    GLOBAL,
                                    EventKind.WAITING,
                                    "coordinator",
                                    "migration " + V + " waits for regions [2]"));
            assertThat(changes.get(6).events())
                    .containsExactly(
                            appliedEvent(NOW, 2, V),
                            regionEvent(
                                    NOW, GLOBAL, EventKind.RELEASED, "coordinator", "released up to migration " + V));
        }

        @Test
        void operatorChangesAreObservedOnceEachWithTheirEvents() {
            globalWaitingOnBoth();
            int before = observer.changes().size();

            hub.addMember(3, ALICE);
            hub.pause("look first", ALICE);
            hub.removeMember(3, BOB);
            hub.resume(BOB);

            List<Change> changes = observer.changes().subList(before, before + 4);
            assertThat(observer.changes()).hasSize(before + 4);
            assertThat(changes)
                    .extracting(change ->
                            change.events().stream().map(FleetEvent::kind).toList())
                    .containsExactly(
                            List.of(EventKind.MEMBER_ADDED, EventKind.WAITING),
                            List.of(EventKind.PAUSED, EventKind.HELD),
                            List.of(EventKind.MEMBER_REMOVED),
                            List.of(EventKind.RESUMED, EventKind.WAITING));
            assertThat(changes.get(3).fleet()).isEqualTo(hub.fleet());
            assertThat(hub.fleet().members()).containsExactly(1, 2);
        }

        @Test
        void anUnobservedObserverHearsNoMore() {
            globalWithFiles();
            int calls = observer.changes().size();

            hub.unobserve(observer);
            hub.pause("look first", ALICE);

            assertThat(observer.changes()).hasSize(calls);
        }
    }

    @Nested
    class WhatTheFleetRemembers {

        @Test
        void theGlobalsWaitIsKeptAndClearedOnGo() {
            WaitingFleet fleet = globalWaitingOnBoth();
            assertThat(state(GLOBAL).waiting()).contains(new Waiting(V, List.of(1, 2), Optional.empty(), NOW));

            clock.advance(STEP);
            hub.applied(fleet.region1().sessionId(), migration(V));
            assertThat(state(GLOBAL).waiting())
                    .as("since: when V began to wait, not when its regions last changed")
                    .contains(new Waiting(V, List.of(2), Optional.empty(), NOW));

            clock.advance(STEP);
            hub.applied(fleet.region2().sessionId(), migration(V));
            assertThat(state(GLOBAL).waiting()).isEmpty();
        }

        @Test
        void theGlobalsWaitSurvivesItsDisconnect() {
            WaitingFleet fleet = globalWaitingOnBoth();
            clock.advance(STEP);

            hub.ended(fleet.global().sessionId());

            assertThat(state(GLOBAL).connected()).isFalse();
            assertThat(state(GLOBAL).waiting()).contains(new Waiting(V, List.of(1, 2), Optional.empty(), NOW));
        }

        @Test
        void aGlobalThatReconnectsToTheSameWaitKeepsWhenItStarted() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.ended(fleet.global().sessionId());
            clock.advance(STEP);

            Agent renewed = globalWithFiles();
            hub.requestRelease(renewed.sessionId(), 2, migrations(V));

            assertThat(renewed.outbox().releases()).containsExactly(waitingOn(1, 2));
            assertThat(state(GLOBAL).waiting()).contains(new Waiting(V, List.of(1, 2), Optional.empty(), NOW));
            assertThat(observer.last().events())
                    .as("the same wait is not recorded again")
                    .isEmpty();
        }

        @Test
        void lastSeenIsSetOnHelloAndOnTheEndOfASession() {
            Agent region1 = remoteNotYetMigrated(1);
            assertThat(state(1).lastSeen()).contains(NOW);

            Instant appliedAt = clock.advance(STEP);
            hub.applied(region1.sessionId(), migration(V));
            assertThat(state(1).lastSeen()).contains(appliedAt);

            Instant endedAt = clock.advance(STEP);
            hub.ended(region1.sessionId());
            assertThat(state(1).lastSeen()).contains(endedAt);

            Instant againAt = clock.advance(STEP);
            remoteNotYetMigrated(1);
            assertThat(state(1).lastSeen()).contains(againAt);
        }
    }

    @Nested
    class DecisionsReachRegionsWhoseAgentsLeft {

        @Test
        void removingTheMemberAGoneGlobalWaitedOnClearsItsWait() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.applied(fleet.region1().sessionId(), migration(V));
            hub.ended(fleet.global().sessionId());

            hub.removeMember(2, ALICE);

            assertThat(state(GLOBAL).waiting()).isEmpty();
        }

        @Test
        void resumingRestoresTheWaitAGoneGlobalHadBeforeThePause() {
            WaitingFleet fleet = globalWaitingOnBoth();
            hub.pause("p", ALICE);
            hub.ended(fleet.global().sessionId());

            hub.resume(BOB);

            assertThat(state(GLOBAL).waiting()).contains(new Waiting(V, List.of(1, 2), Optional.empty(), NOW));
        }
    }

    @Nested
    class ForcedReleaseChecks {

        @Test
        void aForcedReleaseWithoutAReasonIsRefusedAndRecordsNothing() {
            globalWaitingOnBoth();
            int changes = observer.changes.size();

            assertThatThrownBy(() -> hub.forceRelease(V, " ", BOB))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs a reason");
            assertThat(observer.changes).hasSize(changes);
            assertThat(hub.fleet().forced()).isEmpty();
        }

        @Test
        void aVersionTheGlobalsFilesLackCannotBeForced() {
            globalWaitingOnBoth();

            assertThatThrownBy(() -> hub.forceRelease("29990101000000", "r", BOB))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("do not contain 29990101000000")
                    .hasMessageContaining("its newest is " + V);
        }

        @Test
        void forcingTheSameVersionAgainChangesNothing() {
            globalWaitingOnBoth();
            assertThat(hub.forceRelease(V, "first", BOB)).isTrue();
            int changes = observer.changes.size();

            assertThat(hub.forceRelease(V, "second", ALICE)).isFalse();

            assertThat(observer.changes).hasSize(changes);
            assertThat(hub.fleet().forced().get(V).reason()).isEqualTo("first");
        }

        @Test
        void aForcedReleaseDoesNotOverrideAChecksumMismatch() {
            Agent global = globalWithFiles();
            connect(new AgentHello(
                    1,
                    Role.REMOTE,
                    "test",
                    "other-code",
                    "other-database",
                    List.of(Migration.of(V, "other", 1)),
                    List.of()));
            hub.forceRelease(V, "r", BOB);

            hub.requestRelease(global.sessionId(), 1, migrations(V));

            assertThat(global.outbox().releases())
                    .last()
                    .isInstanceOfSatisfying(
                            Release.Reject.class,
                            reject -> assertThat(reject.reason()).contains("checksum mismatch"));
        }
    }

    @Test
    void aReleaseRequestCountsAsTheRegionBeingSeen() {
        Agent global = globalWithFiles();
        Instant asked = clock.advance(STEP);

        hub.requestRelease(global.sessionId(), 1, migrations(V));

        assertThat(state(GLOBAL).lastSeen()).contains(asked);
    }
}
