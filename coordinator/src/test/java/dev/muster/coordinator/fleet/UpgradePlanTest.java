package dev.muster.coordinator.fleet;

import static dev.muster.coordinator.fleet.Regions.checksumOf;
import static dev.muster.coordinator.fleet.Regions.fleet;
import static dev.muster.coordinator.fleet.Regions.global;
import static dev.muster.coordinator.fleet.Regions.remote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UpgradePlanTest {

    /** When the regions' agents read their files, as the test regions say: the fixtures' SINCE. */
    private static final String READ = "its files read at " + Regions.SINCE;

    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";
    private static final String NEWER = "20201231235959";
    private static final String NEWEST = "20210101000000";

    private static Regions.Builder globalWithFiles() {
        return global(GLOBAL).applied(OLDER).available(V, NEWER);
    }

    private static UpgradePlan planTo(Fleet fleet, String target) {
        return UpgradePlan.of(fleet, Optional.of(target));
    }

    private static UpgradePlan.Step step(UpgradePlan plan, int region) {
        return plan.steps().stream()
                .filter(step -> step.region() == region)
                .findFirst()
                .orElseThrow();
    }

    @Nested
    class Target {

        @Test
        void withoutATargetTheFleetGoesToTheNewestVersionTheGlobalsFilesContain() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER).available(V, NEWER, NEWEST));

            UpgradePlan plan = UpgradePlan.of(fleet, Optional.empty());

            assertThat(plan.target()).isEqualTo(NEWER);
            assertThat(step(plan, 1).versions()).containsExactly(V, NEWER);
            assertThat(step(plan, GLOBAL).versions()).containsExactly(V, NEWER);
        }

        @Test
        void aBlankTargetCountsAsNone() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER).available(V, NEWER));

            assertThat(planTo(fleet, " ").target()).isEqualTo(NEWER);
        }

        @Test
        void aTargetGivenIsKeptEvenWhenTheGlobalHasNewerFiles() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER).available(V, NEWER));

            assertThat(planTo(fleet, V).target()).isEqualTo(V);
        }

        @Test
        void withoutAGlobalAndWithoutATargetThereIsNoPlanAndTheMessageSaysToNameOne() {
            Fleet fleet = fleet(List.of(1), remote(1).applied(OLDER).available(V));

            assertThatThrownBy(() -> UpgradePlan.of(fleet, Optional.empty()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the global region has never connected, so name the target version");
            assertThatThrownBy(() -> planTo(fleet, ""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the global region has never connected, so name the target version");
        }

        @Test
        void aGlobalWithoutMigrationFilesAndNoTargetHasNoVersionToReach() {
            Fleet fleet = fleet(List.of(1), global(GLOBAL), remote(1));

            assertThatThrownBy(() -> UpgradePlan.of(fleet, Optional.empty()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the global region's files contain no migrations, so there is no version to reach");
        }
    }

    @Nested
    class Steps {

        @Test
        void everyMemberInRegionOrderThenTheGlobal() {
            Fleet fleet = fleet(
                    List.of(3, 1, 2),
                    remote(2).applied(OLDER),
                    globalWithFiles(),
                    remote(3).applied(OLDER),
                    remote(1).applied(OLDER));

            UpgradePlan plan = planTo(fleet, V);

            assertThat(plan.steps()).extracting(UpgradePlan.Step::region).containsExactly(1, 2, 3, GLOBAL);
            assertThat(plan.steps())
                    .extracting(UpgradePlan.Step::role)
                    .containsExactly(Role.REMOTE, Role.REMOTE, Role.REMOTE, Role.GLOBAL);
        }

        @Test
        void aRemoteThatIsNotAMemberHasNoStep() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(OLDER, V),
                    remote(7).applied(OLDER));

            assertThat(planTo(fleet, V).steps())
                    .extracting(UpgradePlan.Step::region)
                    .containsExactly(1, GLOBAL);
        }

        @Test
        void eachStepHasItsPendingVersionsUpToAndIncludingTheTargetInItsOrder() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(OLDER).available(V, NEWER, NEWEST),
                    remote(2).available(OLDER, V, NEWER));

            UpgradePlan plan = planTo(fleet, NEWER);

            assertThat(plan.target()).isEqualTo(NEWER);
            assertThat(plan.steps())
                    .containsExactly(
                            new UpgradePlan.Step(1, Role.REMOTE, List.of(V, NEWER), List.of()),
                            new UpgradePlan.Step(2, Role.REMOTE, List.of(OLDER, V, NEWER), List.of()),
                            new UpgradePlan.Step(GLOBAL, Role.GLOBAL, List.of(V, NEWER), List.of()));
            assertThat(plan.blockers()).isEmpty();
            assertThat(plan.blocked()).isFalse();
        }

        @Test
        void aVersionLeftOutEarlierIsStillPendingAndListedInItsPlace() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).available(OLDER).applied(V).available(NEWER));

            assertThat(step(planTo(fleet, NEWER), 1).versions()).containsExactly(OLDER, NEWER);
        }

        @Test
        void aRegionAtTheTargetAlreadyHasNothingToApplyAndIsDone() {
            Fleet fleet = fleet(
                    List.of(1),
                    global(GLOBAL).applied(OLDER, V).available(NEWER),
                    remote(1).applied(OLDER, V).available(NEWER));

            UpgradePlan plan = planTo(fleet, V);

            assertThat(plan.steps())
                    .containsExactly(
                            new UpgradePlan.Step(1, Role.REMOTE, List.of(), List.of()),
                            new UpgradePlan.Step(GLOBAL, Role.GLOBAL, List.of(), List.of()));
            assertThat(plan.steps()).allMatch(UpgradePlan.Step::done);
            assertThat(plan.blocked()).isFalse();
        }

        @Test
        void aStepWithVersionsToApplyIsNotDone() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER).available(V));

            assertThat(step(planTo(fleet, V), 1).done()).isFalse();
        }
    }

    @Nested
    class Blockers {

        @Test
        void aMemberThatNeverConnectedBlocksBecauseItsMigrationsAreUnknown() {
            Fleet fleet = fleet(List.of(1, 2), globalWithFiles(), remote(1).applied(OLDER, V));

            UpgradePlan plan = planTo(fleet, V);

            String blocker = "region 2 has never connected, so its migrations are unknown";
            assertThat(step(plan, 2)).isEqualTo(new UpgradePlan.Step(2, Role.REMOTE, List.of(), List.of(blocker)));
            assertThat(step(plan, 2).done()).isFalse();
            assertThat(plan.blockers()).containsExactly(blocker);
            assertThat(plan.blocked()).isTrue();
        }

        @Test
        void aMemberWhoseCodeLacksTheTargetBlocksNamingItsNewest() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(OLDER).available(V),
                    remote(2).applied(OLDER).available(V, NEWER));

            UpgradePlan plan = planTo(fleet, NEWER);

            String blocker = "region 1's code does not contain migration " + NEWER + " (its newest is " + V + ", "
                    + READ + "): it needs code that does";
            assertThat(step(plan, 1)).isEqualTo(new UpgradePlan.Step(1, Role.REMOTE, List.of(), List.of(blocker)));
            assertThat(step(plan, 1).done()).isFalse();
            assertThat(step(plan, 2)).isEqualTo(new UpgradePlan.Step(2, Role.REMOTE, List.of(V, NEWER), List.of()));
            assertThat(plan.blockers()).containsExactly(blocker);
        }

        @Test
        void aRegionWhoseCodeLacksTheTargetListsNoVersionsEvenWithPendingOnes() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).available(OLDER, V).disconnected());

            UpgradePlan plan = planTo(fleet, NEWER);

            assertThat(step(plan, 1))
                    .as("what it would apply is unknown until its code changes, and a "
                            + "disconnected agent is not what blocks it")
                    .isEqualTo(new UpgradePlan.Step(
                            1,
                            Role.REMOTE,
                            List.of(),
                            List.of("region 1's code does not contain migration " + NEWER + " (its newest is " + V
                                    + ", " + READ + "): it needs code that does")));
        }

        @Test
        void aMemberWithNoMigrationFilesAtAllSaysItHasNone() {
            Fleet fleet = fleet(List.of(1), globalWithFiles(), remote(1));

            assertThat(planTo(fleet, V).blockers())
                    .containsExactly("region 1's code does not contain migration " + V + " (it has none, " + READ
                            + "): it needs code that does");
        }

        @Test
        void theGlobalWhoseCodeLacksTheTargetBlocksToo() {
            Fleet fleet = fleet(
                    List.of(1),
                    global(GLOBAL).applied(OLDER).available(V),
                    remote(1).applied(OLDER).available(V, NEWER));

            UpgradePlan plan = planTo(fleet, NEWER);

            assertThat(step(plan, GLOBAL))
                    .isEqualTo(new UpgradePlan.Step(
                            GLOBAL,
                            Role.GLOBAL,
                            List.of(),
                            List.of("the global region " + GLOBAL + "'s code does not contain migration " + NEWER
                                    + " (its newest is " + V + ", " + READ + "): it needs code that does")));
        }

        @Test
        void aDisconnectedMemberWithVersionsToApplyBlocks() {
            Fleet fleet = fleet(
                    List.of(1, 2),
                    globalWithFiles(),
                    remote(1).applied(OLDER).available(V).disconnected(),
                    remote(2).applied(OLDER).available(V));

            UpgradePlan plan = planTo(fleet, V);

            assertThat(step(plan, 1))
                    .isEqualTo(new UpgradePlan.Step(
                            1, Role.REMOTE, List.of(V), List.of("region 1's agent is not connected")));
            assertThat(plan.blockers()).containsExactly("region 1's agent is not connected");
        }

        @Test
        void aDisconnectedMemberThatIsThereAlreadyDoesNotBlock() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles(), remote(1).applied(OLDER, V).disconnected());

            UpgradePlan plan = planTo(fleet, V);

            assertThat(step(plan, 1).blockers()).isEmpty();
            assertThat(plan.blocked()).isFalse();
        }

        @Test
        void aDisconnectedGlobalWithVersionsToApplyBlocks() {
            Fleet fleet = fleet(
                    List.of(1), globalWithFiles().disconnected(), remote(1).applied(OLDER, V));

            assertThat(planTo(fleet, V).blockers())
                    .containsExactly("the global region " + GLOBAL + "'s agent is not connected");
        }

        @Test
        void aChecksumInAMembersFilesThatDiffersFromTheGlobalsBlocks() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(OLDER).available(Migration.of(V, "add column", 333)));

            UpgradePlan plan = planTo(fleet, V);

            assertThat(step(plan, 1).versions()).containsExactly(V);
            assertThat(plan.blockers())
                    .containsExactly("checksum mismatch for migration " + V
                            + ": region 1 has 333, the global's files have " + checksumOf(V));
        }

        @Test
        void aChecksumAMemberAppliedThatDiffersFromTheGlobalsBlocks() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(Migration.of(OLDER, "create tables", 444)).available(V));

            assertThat(planTo(fleet, V).blockers())
                    .containsExactly("checksum mismatch for migration " + OLDER
                            + ": region 1 has 444, the global's files have " + checksumOf(OLDER));
        }

        @Test
        void aChecksumMismatchOnAVersionAfterTheTargetDoesNotBlock() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(OLDER).available(V).available(Migration.of(NEWER, "drop column", 555)));

            UpgradePlan toV = planTo(fleet, V);
            UpgradePlan toNewer = planTo(fleet, NEWER);

            assertThat(toV.steps())
                    .containsExactly(
                            new UpgradePlan.Step(1, Role.REMOTE, List.of(V), List.of()),
                            new UpgradePlan.Step(GLOBAL, Role.GLOBAL, List.of(V), List.of()));
            assertThat(toV.blocked()).isFalse();
            assertThat(toNewer.blockers())
                    .containsExactly("checksum mismatch for migration " + NEWER
                            + ": region 1 has 555, the global's files have " + checksumOf(NEWER));
        }

        @Test
        void aChecksumMismatchOnAVersionAMemberAppliedAfterTheTargetDoesNotBlock() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(OLDER, V).applied(Migration.of(NEWER, "drop column", 555)));

            UpgradePlan plan = planTo(fleet, V);

            assertThat(step(plan, 1)).isEqualTo(new UpgradePlan.Step(1, Role.REMOTE, List.of(), List.of()));
            assertThat(plan.blocked()).isFalse();
        }

        @Test
        void aMigrationWithoutAChecksumDiffersFromOneWithIt() {
            Fleet fleet = fleet(
                    List.of(1),
                    globalWithFiles(),
                    remote(1).applied(OLDER).available(new Migration(V, "repeatable", OptionalInt.empty())));

            assertThat(planTo(fleet, V).blockers())
                    .containsExactly("checksum mismatch for migration " + V
                            + ": region 1 has none, the global's files have " + checksumOf(V));
        }

        @Test
        void aPauseBlocksTheWholeFleetButNoStep() {
            Pause pause = new Pause("waiting for the maintenance window", "operator alice@ops-1", Regions.SINCE);
            Fleet fleet = fleet(
                            List.of(1),
                            globalWithFiles(),
                            remote(1).applied(OLDER).available(V))
                    .withPause(pause);

            UpgradePlan plan = planTo(fleet, V);

            assertThat(plan.blockers())
                    .containsExactly(
                            "the fleet was paused by operator alice@ops-1 at "
                                    + "2024-04-24T18:33:42Z (waiting for the maintenance window); 'muster resume' lets it go on");
            assertThat(plan.steps())
                    .allSatisfy(step -> assertThat(step.blockers()).isEmpty());
            assertThat(plan.blocked()).isTrue();
        }

        @Test
        void withoutAGlobalButWithATargetThePlanSaysTheGlobalNeverConnected() {
            Fleet fleet = fleet(List.of(1), remote(1).applied(OLDER).available(V));

            UpgradePlan plan = planTo(fleet, V);

            assertThat(plan.target()).isEqualTo(V);
            assertThat(plan.steps()).containsExactly(new UpgradePlan.Step(1, Role.REMOTE, List.of(V), List.of()));
            assertThat(plan.blockers())
                    .containsExactly("the global region has never connected, so its migrations are unknown");
        }

        @Test
        void thePlansBlockersAreThePauseThenEveryStepsInStepOrder() {
            Pause pause = new Pause("hold", "operator bob@ops-2", Regions.SINCE);
            Fleet fleet = fleet(
                            List.of(1, 2, 3),
                            globalWithFiles().disconnected(),
                            remote(1).applied(OLDER).available(V).disconnected(),
                            remote(3).applied(OLDER))
                    .withPause(pause);

            UpgradePlan plan = planTo(fleet, V);

            assertThat(plan.blockers())
                    .containsExactly(
                            pause.describe(),
                            "region 1's agent is not connected",
                            "region 2 has never connected, so its migrations are unknown",
                            "region 3's code does not contain migration " + V + " (its newest is " + OLDER + ", " + READ
                                    + "): it needs code that does",
                            "the global region " + GLOBAL + "'s agent is not connected");
        }
    }
}
