package dev.muster.coordinator.upgrade;

import static dev.muster.coordinator.upgrade.FakeFleet.FILES;
import static dev.muster.coordinator.upgrade.FakeFleet.GLOBAL;
import static dev.muster.coordinator.upgrade.FakeFleet.V1;
import static dev.muster.coordinator.upgrade.FakeFleet.V2;
import static dev.muster.coordinator.upgrade.FakeFleet.V3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.steps.Step;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The upgrade driven through a real hub, with fake daemons ({@link FakeFleet}) that answer
 * steps on threads of their own and do to the fleet what a real daemon's command would.
 */
class UpgradeDriverTest {

    private static final String ACTOR = "operator alice@ops-1 (from 10.0.0.7:50000)";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private FleetHub hub;
    private UpgradeDriver driver;
    private FakeFleet fleet;
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final RecordingProgress progress = new RecordingProgress();

    @BeforeEach
    void start() {
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.systemUTC());
        hub.observe((fleet, happened) -> events.addAll(happened));
        fleet = new FakeFleet(hub);
        driver = new UpgradeDriver(hub);
    }

    @AfterEach
    void stop() throws InterruptedException {
        driver.close();
        fleet.close();
    }

    // ---- the happy path -------------------------------------------------------------------------------------

    @Test
    void theWholeProcedureRunsInOrderAndEndsAtTheNewestVersionOfTheGlobalsFiles() {
        fleet.standard();

        Finished finished = run(request(""));

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(finished.summary()).contains("the fleet is at " + V3 + " with replication verified");
        assertThat(fleet.sent())
                .containsExactly(
                        "99: replication teardown --mode drop",
                        "1: migrate --to " + V3,
                        "2: migrate --to " + V3,
                        "99: migrate --to " + V3,
                        "1: replication setup",
                        "2: replication setup",
                        "99: replication setup",
                        "99: replication verify");
        assertEachStepWaitedForTheOnesBefore();
        for (int region : List.of(1, 2, GLOBAL)) {
            assertThat(hub.fleet().region(region).orElseThrow().applied())
                    .as("region %d", region)
                    .containsKeys(V1, V2, V3);
        }
    }

    @Test
    void progressSaysThePlanThePhasesAndWhatTheDaemonsPrinted() {
        fleet.standard();

        run(request(V3));

        assertThat(progress.lines)
                .startsWith(
                        "Upgrade to " + V3 + ", started by " + ACTOR,
                        "==> preflight",
                        "    region 1: 2 to apply, " + V2 + " … " + V3,
                        "    region 2: 2 to apply, " + V2 + " … " + V3,
                        "    region 99: 2 to apply, " + V2 + " … " + V3,
                        "==> tear replication down (--mode drop)",
                        "    region 99: replication teardown --mode drop");
        assertThat(progress.lines)
                .contains(
                        "==> migrate the remotes [1, 2]",
                        "    region 1 | Applied " + V2,
                        "    region 2 | Applied " + V3,
                        "==> migrate the global (each version once every member has it)",
                        "    region 99 | Applied " + V3,
                        "==> set replication up again",
                        "==> verify replication",
                        "    region 99: replication verify",
                        "    region 99 | replication verified");
    }

    @Test
    void theGlobalMigratesBesideTheRemotesApplyingEachVersionOnlyOnceEveryMemberHasIt() {
        fleet.standard();
        FakeFleet.FakeDaemon region1 = fleet.daemon(1);
        FakeFleet.FakeDaemon region2 = fleet.daemon(2);
        FakeFleet.FakeDaemon global = fleet.daemon(GLOBAL);
        region1.gate(Step.Migrate.class);
        region2.gate(Step.Migrate.class);

        driver.start(request(V3), progress);
        await().atMost(PATIENCE).until(() -> fleet.sent().contains("99: migrate --to " + V3));
        assertThat(fleet.sent())
                .as("the remotes and the global migrate at once")
                .contains("1: migrate --to " + V3, "2: migrate --to " + V3);
        region2.open(Step.Migrate.class);
        await().atMost(PATIENCE).until(() -> region2.applied(V3));
        assertThat(global.applied(V2))
                .as("the global, while region 1 lacks " + V2)
                .isFalse();
        region1.open(Step.Migrate.class);
        Finished finished = finished();

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(global.membersWithoutVersionWhenApplied)
                .as("the members that lacked each version as the global applied it")
                .containsOnlyKeys(V2, V3)
                .allSatisfy(
                        (version, lacking) -> assertThat(lacking).as(version).isEmpty());
        assertThat(progress.lines)
                .containsSubsequence(
                        "==> migrate the remotes [1, 2]",
                        "    region 99: migrate --to " + V3,
                        "    region 99 applies each version the moment every member has it",
                        "==> migrate the global (each version once every member has it)",
                        "    region 99 | Applied " + V3);
        assertEachStepWaitedForTheOnesBefore();
    }

    @Test
    void theTeardownModeIsPassedOn() {
        fleet.standard();

        Finished finished = run(new UpgradeDriver.Request(V3, "disable", ACTOR, Duration.ofMinutes(1)));

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(fleet.sent()).first().isEqualTo("99: replication teardown --mode disable");
    }

    @Test
    void aRegionAlreadyAtTheTargetIsNotMigrated() {
        fleet.connectGlobal(List.of(V1), FakeFleet.Subscriptions.UP);
        fleet.connectRemote(1, List.of(V1));
        fleet.connectRemote(2, List.of(V1, V2));

        Finished finished = run(request(V2));

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(finished.summary()).contains("the fleet is at " + V2);
        assertThat(fleet.sent())
                .containsExactly(
                        "99: replication teardown --mode drop",
                        "1: migrate --to " + V2,
                        "99: migrate --to " + V2,
                        "1: replication setup",
                        "2: replication setup",
                        "99: replication setup",
                        "99: replication verify");
        assertThat(progress.lines).contains("    region 2: at " + V2, "==> migrate the remotes [1]");
        assertThat(hub.fleet().region(1).orElseThrow().applied())
                .as("not beyond the target")
                .doesNotContainKey(V3);
    }

    @Test
    void aFleetAtTheTargetHasReplicationSetUpAndVerifiedOnly() {
        fleet.connectGlobal(FILES, FakeFleet.Subscriptions.UP);
        fleet.connectRemote(1, FILES);
        fleet.connectRemote(2, FILES);

        Finished finished = run(request(V3));

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(fleet.sent())
                .containsExactly(
                        "1: replication setup",
                        "2: replication setup",
                        "99: replication setup",
                        "99: replication verify");
    }

    @ParameterizedTest
    @EnumSource(
            value = FakeFleet.Subscriptions.class,
            names = {"ABSENT", "DISABLED"})
    void replicationThatIsDownAlreadyIsNotTornDownAgain(FakeFleet.Subscriptions down) {
        fleet.connectGlobal(List.of(V1), down);
        fleet.connectRemote(1, List.of(V1));
        fleet.connectRemote(2, List.of(V1));

        Finished finished = run(request(V3));

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(progress.lines).contains("    replication is down already: not torn down again");
        assertThat(fleet.sent())
                .containsExactly(
                        "1: migrate --to " + V3,
                        "2: migrate --to " + V3,
                        "99: migrate --to " + V3,
                        "1: replication setup",
                        "2: replication setup",
                        "99: replication setup",
                        "99: replication verify");
    }

    @Test
    void whileTheGlobalWaitsProgressSaysOnWhom() {
        fleet.standard();
        fleet.daemon(1).appliesUpTo = V2;

        driver.start(request(V3), progress);
        await().atMost(PATIENCE)
                .until(() ->
                        progress.lines.contains("    region 99 waits: migration " + V3 + " waits for regions [1]"));
        hub.applied(fleet.daemon(1).sessionId, FakeFleet.migration(V3));
        Finished finished = finished();

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(hub.fleet().region(GLOBAL).orElseThrow().applied()).containsKey(V3);
    }

    @Test
    void aStepGoesOnWhenItsDaemonReconnectsMeanwhile() {
        fleet.standard();
        FakeFleet.FakeDaemon region1 = fleet.daemon(1);
        region1.gate(Step.Migrate.class);

        driver.start(request(V3), progress);
        await().atMost(PATIENCE).until(() -> fleet.sent().contains("1: migrate --to " + V3));
        long before = region1.sessionId;
        region1.reconnect();
        region1.open(Step.Migrate.class);
        Finished finished = finished();

        assertThat(region1.sessionId).isNotEqualTo(before);
        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(fleet.sent())
                .filteredOn(step -> step.startsWith("1: migrate"))
                .hasSize(1);
    }

    @Test
    void verifyThatFailsAtFirstIsTriedAgainUntilItPasses() {
        fleet.standard();
        fleet.daemon(GLOBAL).exits(Step.Verify.class, 1, 0);

        Finished finished = run(request(V3));

        assertThat(finished.succeeded()).as(finished.summary()).isTrue();
        assertThat(fleet.sent())
                .filteredOn(step -> step.equals("99: replication verify"))
                .hasSize(2);
        assertThat(progress.lines)
                .as("the printout of the try that passed")
                .contains("    region 99 | replication verified")
                .doesNotContain("    region 99 | replication verify failed");
        assertEachStepWaitedForTheOnesBefore();
    }

    @Test
    void verifyStillFailingAfterItsPatienceStopsTheUpgrade() {
        AtomicLong nanos = onManualTime();
        fleet.standard();
        fleet.daemon(GLOBAL)
                .exits(Step.Verify.class, Collections.nCopies(1000, 1).toArray(Integer[]::new));
        driver.start(request(V3), progress);
        await().atMost(PATIENCE).until(() -> fleet.sent().contains("99: replication verify"));

        nanos.addAndGet(UpgradeDriver.VERIFY_PATIENCE.plusSeconds(1).toNanos());

        Finished finished = finished();
        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("stopped at 'verify replication'", "replication verify still fails after 2 min");
    }

    @Test
    void aDaemonGoneLongerThanItMayBeStopsTheUpgradeItsStepBelongsTo() {
        AtomicLong nanos = new AtomicLong();
        AtomicLong looks = new AtomicLong();
        driver.close();
        // every time the driver reads the time is a look at the step it waits on
        driver = new UpgradeDriver(hub, () -> {
            looks.incrementAndGet();
            return nanos.get();
        });
        fleet.standard();
        fleet.daemon(1).silent.add(Step.Migrate.class);
        driver.start(new UpgradeDriver.Request(V3, "drop", ACTOR, Duration.ofDays(1)), progress);
        await().atMost(PATIENCE).until(() -> fleet.sent().contains("1: migrate --to " + V3));

        hub.ended(fleet.daemon(1).sessionId);
        // a look that finds the daemon gone counts from then: wait until the driver has looked
        // (two reads a loop) at least twice since, then move the time by exactly what is allowed
        long seen = looks.get();
        await().atMost(PATIENCE).until(() -> looks.get() >= seen + 6);
        nanos.addAndGet(UpgradeDriver.DAEMON_ABSENCE.toNanos());
        long atTheLimit = looks.get();
        await().atMost(PATIENCE).until(() -> looks.get() >= atTheLimit + 6 || progress.finished.isDone());
        assertThat(progress.finished)
                .as("gone for no longer than it may be, looked at since")
                .isNotDone();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());

        Finished finished = finished();
        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("region 1's daemon has been gone for 60 s while carrying out " + "'migrate --to " + V3 + "'");
    }

    /** The driver's deadlines on a time the test moves on; returns that time, in nanoseconds. */
    private AtomicLong onManualTime() {
        driver.close();
        AtomicLong nanos = new AtomicLong();
        driver = new UpgradeDriver(hub, nanos::get);
        return nanos;
    }

    // ---- preflight --------------------------------------------------------------------------------------------

    @Test
    void aMemberWithoutADaemonStopsTheUpgradeBeforeAnyStep() {
        fleet.connectGlobal(List.of(V1), FakeFleet.Subscriptions.UP);
        fleet.connectRemote(1, List.of(V1));
        fleet.connectByHand(2, List.of(V1));

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "region 2 has no agent daemon connected ('muster-agent run')");
        assertThat(finished.summary()).doesNotContain("region 1 has no").doesNotContain("region 99 has no");
    }

    @Test
    void aMemberThatNeverConnectedStopsTheUpgradeBeforeAnyStep() {
        fleet.connectGlobal(List.of(V1), FakeFleet.Subscriptions.UP);
        fleet.connectRemote(1, List.of(V1));

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "region 2 has never connected");
        assertThat(finished.summary()).contains("region 2 has no agent daemon connected");
    }

    @Test
    void aGlobalWithoutADaemonStopsTheUpgradeBeforeAnyStep() {
        fleet.connectByHand(GLOBAL, List.of(V1));
        fleet.connectRemote(1, List.of(V1));
        fleet.connectRemote(2, List.of(V1));

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "region 99 has no agent daemon connected");
    }

    @Test
    void aPausedFleetStopsTheUpgradeBeforeAnyStep() {
        fleet.standard();
        hub.pause("maintenance window", "operator bob@ops-2");

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "the fleet was paused by operator bob@ops-2");
        assertThat(finished.summary()).contains("maintenance window");
    }

    @Test
    void replicationThatIsUpButUnhealthyStopsTheUpgradeBeforeAnyStep() {
        fleet.connectGlobal(List.of(V1), FakeFleet.Subscriptions.UP_WITHOUT_WORKER);
        fleet.connectRemote(1, List.of(V1));
        fleet.connectRemote(2, List.of(V1));

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "replication is not healthy");
        assertThat(finished.summary()).contains("subscription region_1_subscription has no apply worker running");
    }

    @Test
    void aRemotesLostSlotStopsTheUpgradeBeforeAnyStep() {
        fleet.standard();
        FakeFleet.FakeDaemon region2 = fleet.daemon(2);
        hub.replicationReport(region2.sessionId, FakeFleet.remoteHealth(2, "lost"));

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "replication is not healthy");
        assertThat(finished.summary()).contains("region 2: slot region_2_subscription is lost");
    }

    @Test
    void aGlobalThatHasNotReportedItsReplicationStopsTheUpgradeBeforeAnyStep() {
        fleet.connectGlobal(List.of(V1), null);
        fleet.connectRemote(1, List.of(V1));
        fleet.connectRemote(2, List.of(V1));

        Finished finished = run(request(V3));

        assertStoppedBeforeAnyStep(finished, "the global's daemon has not reported its replication yet");
    }

    @Test
    void aTargetTheCodeLacksStopsTheUpgradeBeforeAnyStep() {
        fleet.standard();
        String unknown = "20300101000000";

        Finished finished = run(request(unknown));

        assertStoppedBeforeAnyStep(finished, "does not contain migration " + unknown);
        assertThat(finished.summary()).contains("run 'muster upgrade --to " + unknown + "' again");
    }

    @Test
    void withoutAGlobalAndWithoutATargetThereIsNothingToReach() {
        fleet.connectRemote(1, List.of(V1));

        Finished finished = run(request(""));

        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("the global region has never connected, so name the target version")
                .contains("run 'muster upgrade' again");
        assertThat(fleet.sent()).isEmpty();
    }

    // ---- failures ---------------------------------------------------------------------------------------------

    @Test
    void aFailingRemoteMigrationStopsTheUpgradeThere() {
        fleet.standard();
        fleet.daemon(2).exits(Step.Migrate.class, 1);

        Finished finished = run(request(V3));

        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("stopped at 'migrate the remotes [1, 2]'")
                .contains("'migrate --to " + V3 + "' failed on region 2 (exit status 1)")
                .contains("run 'muster upgrade --to " + V3 + "' again");
        assertThat(fleet.sent())
                .containsExactly(
                        "99: replication teardown --mode drop",
                        "1: migrate --to " + V3,
                        "2: migrate --to " + V3,
                        "99: migrate --to " + V3);
        assertThat(progress.lines)
                .contains(
                        "    region 2 | migrate --to " + V3 + " failed",
                        "    region 99 | the upgrade stopped: '" + "migrate --to " + V3
                                + "' failed on region 2 (exit status 1)");
        assertThat(fleet.daemon(GLOBAL).applied(V2))
                .as("the global, region 2 lacking " + V2)
                .isFalse();
        assertThat(fleet.stepsStillRunning()).as("steps left running").isEmpty();
    }

    @Test
    void aFailingTeardownStopsTheUpgradeBeforeAnyMigration() {
        fleet.standard();
        fleet.daemon(GLOBAL).exits(Step.Teardown.class, 3);

        Finished finished = run(request(V3));

        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("stopped at 'tear replication down (--mode drop)'")
                .contains("failed on region 99 (exit status 3)");
        assertThat(fleet.sent()).containsExactly("99: replication teardown --mode drop");
    }

    @Test
    void aFailingSetupStopsTheUpgradeBeforeTheNextRegion() {
        fleet.standard();
        fleet.daemon(1).exits(Step.SetUp.class, 1);

        Finished finished = run(request(V3));

        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("stopped at 'set replication up again'")
                .contains("'replication setup' failed on region 1")
                .contains("run 'muster upgrade --to " + V3 + "' again");
        assertThat(fleet.sent()).last().isEqualTo("1: replication setup");
        assertThat(fleet.sent())
                .doesNotContain("2: replication setup", "99: replication setup", "99: replication verify");
    }

    @Test
    void aStepThatDoesNotFinishInTimeStopsTheUpgrade() {
        fleet.standard();
        fleet.daemon(1).silent.add(Step.Migrate.class);

        Finished finished = run(new UpgradeDriver.Request(V3, "drop", ACTOR, Duration.ofMillis(300)));

        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary())
                .contains("stopped at 'migrate the remotes [1, 2]'")
                .contains("'migrate --to " + V3 + "' did not finish on region 1 within 0.3 s (--step-timeout)");
        assertThat(fleet.sent()).doesNotContain("1: replication setup");
        assertThat(fleet.daemon(GLOBAL).applied(V2))
                .as("the global, region 1 lacking " + V2)
                .isFalse();
        assertThat(fleet.stepsStillRunning()).as("steps left running").containsExactly("1: migrate --to " + V3);
    }

    @Test
    void closingTheDriverStopsARunningUpgrade() {
        fleet.standard();
        fleet.daemon(1).gate(Step.Migrate.class);
        driver.start(request(V3), progress);
        await().atMost(PATIENCE).until(() -> fleet.sent().contains("1: migrate --to " + V3));

        driver.close();

        Finished finished = finished();
        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary()).contains("the coordinator is stopping");
    }

    // ---- one at a time, and the event log ----------------------------------------------------------------------

    @Test
    void aSecondUpgradeCannotStartWhileOneRuns() {
        fleet.standard();
        fleet.daemon(1).gate(Step.Migrate.class);
        driver.start(request(V3), progress);
        await().atMost(PATIENCE).until(() -> fleet.sent().contains("1: migrate --to " + V3));
        RecordingProgress second = new RecordingProgress();

        assertThatThrownBy(() -> driver.start(request(V2), second))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an upgrade to " + V3 + " started by " + ACTOR + " is running")
                .hasMessageContaining("muster watch");

        fleet.daemon(1).open(Step.Migrate.class);
        assertThat(finished().succeeded()).isTrue();
        assertThat(second.lines).isEmpty();
        assertThat(second.finished).isNotDone();
    }

    @Test
    void anotherUpgradeMayStartOnceTheFirstHasFinished() {
        fleet.standard();
        run(request(V3));
        RecordingProgress again = new RecordingProgress();

        await().atMost(PATIENCE)
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .untilAsserted(() -> driver.start(request(V3), again));

        await().atMost(PATIENCE).until(again.finished::isDone);
        assertThat(again.finished.join().succeeded()).isTrue();
    }

    @Test
    void theEventLogHasTheStartEveryPhaseAndTheEnd() {
        fleet.standard();

        run(request(V3));

        assertThat(upgradeEvents()).extracting(FleetEvent::actor).containsOnly(ACTOR);
        List<String> details = upgradeEvents().stream().map(FleetEvent::detail).toList();
        assertThat(details).hasSize(8);
        assertThat(details.subList(0, 7))
                .containsExactly(
                        "upgrade to " + V3 + " started",
                        "upgrade to " + V3 + ": preflight",
                        "upgrade to " + V3 + ": tear replication down (--mode drop)",
                        "upgrade to " + V3 + ": migrate the remotes [1, 2]",
                        "upgrade to " + V3 + ": migrate the global (each version once every member has it)",
                        "upgrade to " + V3 + ": set replication up again",
                        "upgrade to " + V3 + ": verify replication");
        assertThat(details.get(7)).startsWith("upgrade done: the fleet is at " + V3 + " with replication verified");
    }

    @Test
    void theEventLogSaysWhereAnUpgradeStopped() {
        fleet.standard();
        fleet.daemon(2).exits(Step.Migrate.class, 1);

        Finished finished = run(request(V3));

        List<String> details = upgradeEvents().stream().map(FleetEvent::detail).toList();
        assertThat(details).startsWith("upgrade to " + V3 + " started", "upgrade to " + V3 + ": preflight");
        assertThat(details)
                .last()
                .asString()
                .startsWith("upgrade stopped at 'migrate the remotes [1, 2]'")
                .isEqualTo("upgrade " + finished.summary());
    }

    @Test
    void theEventLogSaysWhenPreflightStopped() {
        fleet.standard();
        hub.pause("maintenance window", "operator bob@ops-2");

        run(request(V3));

        assertThat(upgradeEvents())
                .extracting(FleetEvent::detail)
                .last()
                .asString()
                .startsWith("upgrade stopped at 'preflight'")
                .contains("maintenance window");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static UpgradeDriver.Request request(String target) {
        return new UpgradeDriver.Request(target, "drop", ACTOR, Duration.ofMinutes(1));
    }

    private Finished run(UpgradeDriver.Request request) {
        driver.start(request, progress);
        return finished();
    }

    private Finished finished() {
        await().atMost(PATIENCE).until(progress.finished::isDone);
        assertThat(progress.allFinished).as("finished once").hasSize(1);
        assertThat(progress.linesAfterTheEnd).as("lines after the end").isEmpty();
        return progress.finished.join();
    }

    private void assertStoppedBeforeAnyStep(Finished finished, String problem) {
        assertThat(finished.succeeded()).isFalse();
        assertThat(finished.summary()).startsWith("stopped at 'preflight': ").contains(problem);
        assertThat(fleet.sent()).as("no step sent").isEmpty();
    }

    private void assertEachStepWaitedForTheOnesBefore() {
        assertThat(fleet.stepsSentTooEarly())
                .as("steps sent before the earlier ones were answered")
                .isEmpty();
    }

    private List<FleetEvent> upgradeEvents() {
        return events.stream()
                .filter(event -> event.kind() == EventKind.UPGRADE)
                .toList();
    }

    /** What an upgrade told its operator. */
    private static final class RecordingProgress implements UpgradeDriver.Progress {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<Finished> finished = new CompletableFuture<>();
        final List<Finished> allFinished = new CopyOnWriteArrayList<>();
        final List<String> linesAfterTheEnd = new CopyOnWriteArrayList<>();

        @Override
        public void line(String text) {
            if (finished.isDone()) {
                linesAfterTheEnd.add(text);
            }
            lines.add(text);
        }

        @Override
        public void finished(boolean succeeded, String summary) {
            allFinished.add(new Finished(succeeded, summary));
            finished.complete(new Finished(succeeded, summary));
        }
    }

    private record Finished(boolean succeeded, String summary) {}
}
