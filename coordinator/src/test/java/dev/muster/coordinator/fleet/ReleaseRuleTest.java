package dev.muster.coordinator.fleet;

import static dev.muster.coordinator.fleet.Regions.fleet;
import static dev.muster.coordinator.fleet.Regions.global;
import static dev.muster.coordinator.fleet.Regions.remote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReleaseRuleTest {

    private static final int GLOBAL = 99;
    private static final String V = "20200424183342";
    private static final String OLDER = "20200101000000";
    private static final String NEWER = "20201231235959";

    private static Regions.Builder globalWithFiles() {
        return global(GLOBAL).available(OLDER, V, NEWER);
    }

    private static Release.Wait waitOf(Release release) {
        assertThat(release).isInstanceOf(Release.Wait.class);
        return (Release.Wait) release;
    }

    private static String rejection(Release release) {
        assertThat(release).isInstanceOf(Release.Reject.class);
        return ((Release.Reject) release).reason();
    }

    /** A remote applies its migrations at once and reports them: the rule answers only the global. */
    @Nested
    class Remotes {

        @Test
        void aMemberRemoteCannotAskEvenForAVersionEveryRegionHasRun() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    global(GLOBAL).applied(V),
                    remote(1).available(V),
                    remote(2).applied(V));

            assertThatThrownBy(() -> ReleaseRule.decide(fleet, 1, V))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("region 1 is a remote; only the global asks for release");
        }

        @Test
        void aNonMemberRemoteCannotAsk() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(7).available(V));

            assertThatThrownBy(() -> ReleaseRule.decide(fleet, 7, V))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region 7 is a remote");
        }

        @Test
        void aRemoteCannotAskForARange() {
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1), remote(2));

            assertThatThrownBy(() -> ReleaseRule.decide(fleet, 1, List.of(OLDER, V, NEWER)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region 1 is a remote");
        }
    }

    @Nested
    class GlobalWaits {

        @Test
        void waitsForEveryMemberThatHasNotRunTheVersion() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).available(V),
                    remote(2).available(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V))
                    .isEqualTo(new Release.Wait(
                            V,
                            List.of(
                                    new Blocker(1, "region 1 has not run migration " + V + " yet"),
                                    new Blocker(2, "region 2 has not run migration " + V + " yet"))));
        }

        @Test
        void namesExactlyTheMembersNotYetAppliedInRegionOrder() {
            Fleet fleet = fleet(
                    List.of(4, 1, 3, 2),
                    globalWithFiles(),
                    remote(1).available(V),
                    remote(2).applied(V),
                    remote(3).available(V),
                    remote(4).applied(V));

            Release.Wait wait = waitOf(ReleaseRule.decide(fleet, GLOBAL, V));

            assertThat(wait.version()).isEqualTo(V);
            assertThat(wait.regions()).containsExactly(1, 3);
        }

        @Test
        void goesTheMomentTheLastMemberReports() {
            RegionState second = remote(2).available(V).build();
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1).applied(V))
                    .with(second);
            assertThat(waitOf(ReleaseRule.decide(fleet, GLOBAL, V)).regions()).containsExactly(2);

            Fleet reported = fleet.with(second.withApplied(Regions.migration(V)));

            assertThat(ReleaseRule.decide(reported, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void goesAtOnceWhenThereAreNoMembers() {
            Fleet fleet = fleet(List.of(), globalWithFiles());

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void namesAMemberThatNeverConnected() {
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1).applied(V));

            Release.Wait wait = waitOf(ReleaseRule.decide(fleet, GLOBAL, V));

            assertThat(wait.blockers()).singleElement().satisfies(blocker -> {
                assertThat(blocker.region()).isEqualTo(2);
                assertThat(blocker.reason())
                        .contains("region 2 has not connected to the coordinator yet")
                        .contains("not known to have run " + V);
            });
        }

        @Test
        void aDisconnectedMemberThatAppliedTheVersionDoesNotBlock() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(V).disconnected(),
                    remote(2).applied(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void aDisconnectedMemberThatHasNotAppliedIsNamedAsNotConnected() {
            Fleet fleet =
                    fleet(List.of(1), globalWithFiles(), remote(1).available(V).disconnected());

            assertThat(waitOf(ReleaseRule.decide(fleet, GLOBAL, V)).blockers())
                    .containsExactly(new Blocker(
                            1, "region 1 has not run migration " + V + " yet (its agent is not connected)"));
        }

        @Test
        void aMemberWhoseCodeLacksTheVersionWaitsWithAReasonNamingItsNewest() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER).available(V));

            Release.Wait wait = waitOf(ReleaseRule.decide(fleet, GLOBAL, NEWER));

            assertThat(wait.version()).isEqualTo(NEWER);
            assertThat(wait.blockers()).singleElement().satisfies(blocker -> {
                assertThat(blocker.region()).isEqualTo(1);
                assertThat(blocker.reason())
                        .contains("region 1's code does not contain migration " + NEWER)
                        .contains("its newest is " + V)
                        .contains("upgrade region 1's code first")
                        .doesNotContain("not connected");
            });
        }

        @Test
        void aMemberWithNoMigrationFilesAtAllSaysItHasNone() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1).disconnected());

            String reason = waitOf(ReleaseRule.decide(fleet, GLOBAL, V))
                    .blockers()
                    .get(0)
                    .reason();

            assertThat(reason)
                    .contains("does not contain migration " + V)
                    .contains("it has none")
                    .contains("(its agent is not connected)");
        }
    }

    @Nested
    class Checksums {

        @Test
        void anAppliedChecksumThatDiffersRejectsNamingRegionAndBothChecksums() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    global(GLOBAL).available(Migration.of(V, "add column", 222)),
                    remote(1).applied(Migration.of(V, "add column", 222)),
                    remote(2).applied(Migration.of(V, "add column", 111)));

            assertThat(rejection(ReleaseRule.decide(fleet, GLOBAL, V)))
                    .contains("checksum mismatch for migration " + V)
                    .contains("region 2 applied it with checksum 111")
                    .contains("the global's migration files have 222")
                    .doesNotContain("region 1");
        }

        @Test
        void aChecksumInAMembersFilesThatDiffersRejectsBeforeItIsApplied() {
            Fleet fleet = fleet(
                    List.of(1),
                    global(GLOBAL).available(Migration.of(V, "add column", 222)),
                    remote(1).available(Migration.of(V, "add column", 333)));

            assertThat(rejection(ReleaseRule.decide(fleet, GLOBAL, V)))
                    .contains("region 1 has it in its migration files with checksum 333")
                    .contains("the global's migration files have 222");
        }

        @Test
        void aMismatchRejectsEvenWhileOtherMembersStillBlock() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    global(GLOBAL).available(Migration.of(V, "x", 5)),
                    remote(1),
                    remote(2).applied(Migration.of(V, "x", 6)));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isInstanceOf(Release.Reject.class);
        }

        @Test
        void aMissingChecksumOnOneSideIsAMismatchAndPrintsAsNone() {
            Fleet fleet = fleet(
                    List.of(1),
                    global(GLOBAL).available(new Migration(V, "java migration", OptionalInt.empty())),
                    remote(1).applied(Migration.of(V, "java migration", 42)));

            assertThat(rejection(ReleaseRule.decide(fleet, GLOBAL, V)))
                    .contains("checksum 42")
                    .contains("the global's migration files have none");
        }

        @Test
        void migrationsWithoutChecksumOnBothSidesMatch() {
            Migration noChecksum = new Migration(V, "java migration", OptionalInt.empty());
            Fleet fleet = fleet(
                    List.of(1), global(GLOBAL).available(noChecksum), remote(1).applied(noChecksum));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }
    }

    @Nested
    class NonMembers {

        @Test
        void aNonMemberRemoteThatHasNotRunTheVersionNeverGates() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(7).available(V));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }

        @Test
        void aNonMemberRemoteWithAnotherChecksumNeverRejects() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(V),
                    remote(7).applied(Migration.of(V, "other", -1)));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, V)).isEqualTo(new Release.Go(V));
        }
    }

    @Nested
    class Ranges {

        @Test
        void goesUpToTheLongestReleasedPrefix() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(OLDER, V, NEWER),
                    remote(2).applied(OLDER, V).available(NEWER));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V, NEWER)))
                    .isEqualTo(new Release.Go(V));
        }

        @Test
        void goesUpToTheLastVersionWhenEveryVersionIsReleased() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1).applied(OLDER, V, NEWER));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V, NEWER)))
                    .isEqualTo(new Release.Go(NEWER));
        }

        @Test
        void waitsForTheFirstVersionWhenNothingIsReleased() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1).available(OLDER, V, NEWER));

            Release.Wait wait = waitOf(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V, NEWER)));

            assertThat(wait.version()).isEqualTo(OLDER);
            assertThat(wait.regions()).containsExactly(1);
        }

        @Test
        void rejectsWhenTheFirstVersionIsRejected() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1).applied(Migration.of(OLDER, "x", 1)));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V))).isInstanceOf(Release.Reject.class);
        }

        @Test
        void aRejectedVersionAfterAReleasedPrefixStillReleasesThePrefix() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER).applied(Migration.of(V, "x", 1)));

            assertThat(ReleaseRule.decide(fleet, GLOBAL, List.of(OLDER, V, NEWER)))
                    .isEqualTo(new Release.Go(OLDER));
        }

        @Test
        void anEmptyRangeIsRefused() {
            Fleet fleet = fleet(List.of(), globalWithFiles());

            assertThatThrownBy(() -> ReleaseRule.decide(fleet, GLOBAL, List.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class TheGlobalsOwnFiles {

        @Test
        void rejectsAVersionTheGlobalsOwnFilesDoNotContain() {
            Fleet fleet =
                    fleet(List.of(1), global(GLOBAL).available(OLDER), remote(1).applied(OLDER, V));

            assertThat(rejection(ReleaseRule.decide(fleet, GLOBAL, V)))
                    .contains("migration " + V)
                    .contains("its own migration files do not contain");
        }

        @Test
        void aRegionThatHasNotSaidHelloCannotAsk() {
            Fleet fleet = fleet(List.of(1));

            assertThatThrownBy(() -> ReleaseRule.decide(fleet, GLOBAL, V))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region " + GLOBAL + " has not said hello");
        }
    }
}
