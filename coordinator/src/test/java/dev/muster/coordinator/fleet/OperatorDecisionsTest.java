package dev.muster.coordinator.fleet;

import static dev.muster.coordinator.fleet.Regions.fleet;
import static dev.muster.coordinator.fleet.Regions.global;
import static dev.muster.coordinator.fleet.Regions.remote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The release rule once operators have acted: a pause, a forced release, members added or removed. */
class OperatorDecisionsTest {

    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";
    private static final String NEWER = "20201231235959";
    private static final Instant AT = Instant.parse("2024-05-01T09:00:00Z");

    private static final Pause PAUSE = new Pause("investigating replication lag", "operator alice@ops-1", AT);
    private static final String HELD = "the fleet was paused by operator alice@ops-1 at 2024-05-01T09:00:00Z "
            + "(investigating replication lag); 'muster resume' lets it go on";

    private static Regions.Builder globalWithFiles() {
        return global(GLOBAL).available(OLDER, V, NEWER);
    }

    private static ForcedRelease forced(String version) {
        return new ForcedRelease(version, "region 2 is being rebuilt", "operator bob@ops-2", AT);
    }

    private static Release.Wait waitingFor(String version, Integer... regions) {
        return new Release.Wait(
                version,
                List.of(regions).stream()
                        .map(region ->
                                new Blocker(region, "region " + region + " has not run migration " + version + " yet"))
                        .toList());
    }

    @Nested
    class Paused {

        private final Fleet fleet = fleet(
                        List.of(1, 2),
                        globalWithFiles(),
                        remote(1).applied(OLDER, V).available(NEWER),
                        remote(2).applied(OLDER, V).available(NEWER))
                .withPause(PAUSE);

        @Test
        void aRemoteStillCannotAskWhilePaused() {
            assertThatThrownBy(() -> ReleaseRule.decide(fleet, 1, NEWER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region 1 is a remote");
        }

        @Test
        void theGlobalIsHeldEvenForAVersionEveryMemberHasApplied() {
            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Hold(V, HELD));
        }

        @Test
        void aForcedVersionIsHeldToo() {
            assertThat(ReleaseRule.decide(fleet.withForced(forced(NEWER)), GLOBAL, NEWER))
                    .isEqualTo(new Release.Hold(NEWER, HELD));
        }

        @Test
        void aRangeIsHeldAtItsFirstVersion() {
            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V, NEWER)))
                    .isEqualTo(new Release.Hold(OLDER, HELD));
            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(NEWER)))
                    .as("a version the members have not run is held, not waited for")
                    .isEqualTo(new Release.Hold(NEWER, HELD));
        }

        @Test
        void theFleetKnowsItIsPausedAndWhyUntilResumed() {
            assertThat(fleet.paused()).isTrue();
            assertThat(fleet.pause()).contains(PAUSE);

            Fleet resumed = fleet.withoutPause();

            assertThat(resumed.paused()).isFalse();
            assertThat(resumed.pause()).isEmpty();
            assertThat(resumed.regions()).isEqualTo(fleet.regions());
            assertThat(resumed.members()).containsExactly(1, 2);
        }

        @Test
        void resumingGivesBackTheAnswersThePauseHeld() {
            Fleet resumed = fleet.withoutPause();

            assertThat(ReleaseRule.decide(resumed, GLOBAL, List.of(OLDER, V, NEWER)))
                    .isEqualTo(new Release.Go(V));
            assertThat(ReleaseRule.decide(resumed, GLOBAL, NEWER)).isEqualTo(waitingFor(NEWER, 1, 2));
        }
    }

    @Nested
    class ForcedReleases {

        private final Fleet notApplied = fleet(
                List.of(1, 2),
                globalWithFiles(),
                remote(1).applied(OLDER).available(V, NEWER),
                remote(2).applied(OLDER).available(V, NEWER));

        @Test
        void theGlobalGoesForAForcedVersionNoMemberHasApplied() {
            assertThat(ReleaseRule.decide(notApplied, GLOBAL, V)).isEqualTo(waitingFor(V, 1, 2));

            Fleet fleet = notApplied.withForced(forced(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
            assertThat(fleet.forced()).containsExactly(Map.entry(V, forced(V)));
        }

        @Test
        void theGlobalGoesForAForcedVersionWhenAMemberNeverConnected() {
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1).applied(OLDER))
                    .withForced(forced(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void theGlobalGoesForAForcedVersionMissingFromAMembersCode() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1).applied(OLDER))
                    .withForced(forced(NEWER));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, NEWER)).isEqualTo(new Release.Go(NEWER));
        }

        @Test
        void aRangeGoesUpToTheForcedVersionAndStopsAtTheNextUnforcedOne() {
            Fleet fleet = notApplied.withForced(forced(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(V, NEWER))).isEqualTo(new Release.Go(V));
        }

        @Test
        void aRangeOfReleasedThenForcedVersionsGoesToTheForcedOne() {
            Fleet fleet = notApplied.withForced(forced(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V, NEWER)))
                    .isEqualTo(new Release.Go(V));
        }

        @Test
        void aForcedVersionAfterAnUnreleasedOneDoesNotReleaseTheRange() {
            Fleet fleet = fleet(
                            List.of(1, 2),
                            globalWithFiles(),
                            remote(1).available(OLDER, V, NEWER),
                            remote(2).available(OLDER, V, NEWER))
                    .withForced(forced(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V))).isEqualTo(waitingFor(OLDER, 1, 2));
        }

        @Test
        void everyForcedVersionOfARangeIsReleased() {
            Fleet fleet = notApplied.withForced(forced(V)).withForced(forced(NEWER));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(V, NEWER))).isEqualTo(new Release.Go(NEWER));
            assertThat(fleet.forced()).containsOnlyKeys(V, NEWER);
        }

        @Test
        void aForcedVersionTheGlobalsOwnFilesDoNotContainIsRejected() {
            String unknown = "20990101000000";
            Fleet fleet = notApplied.withForced(forced(unknown));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, unknown))
                    .isEqualTo(new Release.Reject("the global region asked to apply migration " + unknown
                            + ", which its own migration files do not contain"));
        }

        @Test
        void forcingAVersionDoesNotReleaseOthers() {
            Fleet fleet = notApplied.withForced(forced(NEWER));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(waitingFor(V, 1, 2));
        }

        @Test
        void forcingTheSameVersionAgainKeepsTheLatestDecision() {
            ForcedRelease again = new ForcedRelease(V, "second thoughts", "operator carol@ops-3", AT.plusSeconds(60));

            Fleet fleet = notApplied.withForced(forced(V)).withForced(again);

            assertThat(fleet.forced()).containsExactly(Map.entry(V, again));
        }
    }

    @Nested
    class Members {

        @Test
        void removingADisconnectedMemberForgetsWhatItReported() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(2).available(V).disconnected());

            Fleet removed = fleet.withoutMember(2);

            assertThat(removed.members()).containsExactly(1);
            assertThat(removed.isMember(2)).isFalse();
            assertThat(removed.region(2)).isEmpty();
            assertThat(removed.region(1)).isEqualTo(fleet.region(1));
        }

        @Test
        void removingAConnectedMemberKeepsWhatItReported() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(2).available(V));

            Fleet removed = fleet.withoutMember(2);

            assertThat(removed.members()).containsExactly(1);
            assertThat(removed.region(2)).isEqualTo(fleet.region(2));
        }

        @Test
        void removingARegionThatWasNeverKnownOnlyChangesTheMembers() {
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1).applied(V));

            Fleet removed = fleet.withoutMember(2);

            assertThat(removed.members()).containsExactly(1);
            assertThat(removed.regions()).isEqualTo(fleet.regions());
        }

        @Test
        void theGlobalStopsWaitingOnARemovedMember() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(2).available(V).disconnected());
            assertThat(ReleaseRule.decide(fleet, GLOBAL, V))
                    .isEqualTo(new Release.Wait(
                            V,
                            List.of(new Blocker(
                                    2, "region 2 has not run migration " + V + " yet (its agent is not connected)"))));

            assertThat(ReleaseRule.decide(fleet.withoutMember(2), GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void theGlobalStopsWaitingOnARemovedMemberThatIsStillConnected() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(2).available(V));

            assertThat(ReleaseRule.decide(fleet.withoutMember(2), GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void aRemovedMemberWithAnotherChecksumNoLongerRejects() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(2).applied(Migration.of(V, "edited", 7)));
            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isInstanceOf(Release.Reject.class);

            assertThat(ReleaseRule.decide(fleet.withoutMember(2), GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void anAddedMemberThatNeverConnectedHoldsTheGlobal() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1).applied(V));
            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));

            Fleet added = fleet.withMember(3);

            assertThat(added.members()).containsExactly(1, 3);
            assertThat(ReleaseRule.decide(added, GLOBAL, V))
                    .isEqualTo(new Release.Wait(
                            V,
                            List.of(new Blocker(
                                    3,
                                    "region 3 has not connected to the coordinator yet, so it is not known to have run "
                                            + V))));
        }

        @Test
        void aConnectedNonMemberThatIsAddedGatesTheGlobalFromThenOn() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(7).available(V));
            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));

            assertThat(ReleaseRule.decide(fleet.withMember(7), GLOBAL, V)).isEqualTo(waitingFor(V, 7));
        }

        @Test
        void addingAMemberTwiceOrRemovingANonMemberChangesNothing() {
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1).applied(V));

            assertThat(fleet.withMember(1)).isEqualTo(fleet);
            assertThat(fleet.withoutMember(5)).isEqualTo(fleet);
        }

        @Test
        void membershipChangesKeepThePauseAndForcedReleases() {
            Fleet fleet =
                    fleet(List.of(1, 2), globalWithFiles()).withPause(PAUSE).withForced(forced(V));

            Fleet changed = fleet.withMember(3).withoutMember(2);

            assertThat(changed.pause()).contains(PAUSE);
            assertThat(changed.forced()).containsOnlyKeys(V);
            assertThat(changed.members()).containsExactly(1, 3);
        }
    }
}
