package dev.muster.agent.gate;

import static dev.muster.agent.link.FakeCoordinator.eventually;
import static dev.muster.agent.link.FakeCoordinator.go;
import static dev.muster.agent.link.FakeCoordinator.refusal;
import static dev.muster.agent.link.FakeCoordinator.reject;
import static dev.muster.agent.link.FakeCoordinator.waitFor;
import static dev.muster.agent.link.FakeCoordinator.waitForBecause;
import static dev.muster.proto.v1.AgentMessage.KindCase.HELLO;
import static dev.muster.proto.v1.AgentMessage.KindCase.MIGRATION_APPLIED;
import static dev.muster.proto.v1.AgentMessage.KindCase.MIGRATION_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.muster.agent.config.RegionRole;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.FakeCoordinator;
import dev.muster.agent.link.FakeCoordinator.AgentCall;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationFailure;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.time.Backoff;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.MigrationFailed;
import dev.muster.proto.v1.Wait;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GatedMigratorTest {

    private static final String V0 = "20191231000000";
    private static final String V1 = "20200101000001";
    private static final String V2 = "20200202000002";
    private static final String V3 = "20200303000003";
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(5);
    private static final String LINK_DOWN = "Cannot reach the coordinator at test-coordinator (UNAVAILABLE";
    private static final String CLAIMED = "region 99 is already served by a connected agent (from 10.0.0.7:51234 "
            + "since 2024-05-01T12:00:00Z): two agents claim region 99; check the region number in each agent's "
            + "configuration";
    private static final String REFUSED = "The coordinator refused this agent (" + CLAIMED + "); retrying";

    private final String name = InProcessServerBuilder.generateName();
    private final FakeCoordinator coordinator = new FakeCoordinator(name);
    private final BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
    private final StringWriter output = new StringWriter();
    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private CoordinatorLink link;

    @AfterEach
    void stop() throws InterruptedException {
        runner.shutdownNow();
        if (link != null) {
            link.close();
        }
        coordinator.close();
    }

    private GatedMigrator migrator(RegionRole role, FakeMigrations migrations, Duration reportTimeout) {
        return migrator(role, migrations, reportTimeout, Optional.empty());
    }

    private GatedMigrator migrator(RegionRole role, FakeMigrations migrations, String target) {
        return migrator(role, migrations, REPORT_TIMEOUT, Optional.of(target));
    }

    private GatedMigrator migrator(
            RegionRole role, FakeMigrations migrations, Duration reportTimeout, Optional<String> target) {
        int region = role == RegionRole.REMOTE ? 1 : 99;
        link = new CoordinatorLink(
                InProcessChannelBuilder.forName(name).directExecutor().build(),
                "test-coordinator",
                () -> WireMessages.hello(region, role.wire(), "test-agent", "test-instance", "", migrations.state()),
                events::add,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)));
        return new GatedMigrator(
                role,
                migrations,
                link,
                events,
                new MigrationConsole(new PrintWriter(output, true)),
                reportTimeout,
                target);
    }

    private Future<List<LocalMigration>> inBackground(GatedMigrator migrator) {
        return runner.submit(migrator::run);
    }

    private static List<String> versions(Future<List<LocalMigration>> run) throws Exception {
        return run.get(FakeCoordinator.TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .map(LocalMigration::version)
                .toList();
    }

    private static Throwable failureOf(Future<?> run) {
        ExecutionException failed = catchThrowableOfType(
                ExecutionException.class, () -> run.get(FakeCoordinator.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertThat(failed).as("the run ended with an exception").isNotNull();
        return failed.getCause();
    }

    /**
     * The migrations {@code call} told the coordinator were applied, beyond {@code before}, each
     * once: its Hello's, then its reports. A Hello read after a migration committed holds it,
     * and the report goes out too unless it was made before the Hello was sent; reports are never
     * repeated on one session.
     */
    private static List<Migration> toldApplied(AgentCall call, String... before) {
        assertThat(call.appliedReports()).as("reports on one session").doesNotHaveDuplicates();
        Map<String, Migration> told = new LinkedHashMap<>();
        call.hello().getAppliedList().stream()
                .filter(migration -> !List.of(before).contains(migration.getVersion()))
                .forEach(migration -> told.put(migration.getVersion(), migration));
        call.received().stream()
                .filter(AgentMessage::hasMigrationApplied)
                .map(message -> message.getMigrationApplied().getMigration())
                .forEach(migration -> told.putIfAbsent(migration.getVersion(), migration));
        return List.copyOf(told.values());
    }

    private List<String> lines() {
        return output.toString().lines().toList();
    }

    private List<String> linesStartingWith(String prefix) {
        return lines().stream().filter(line -> line.startsWith(prefix)).toList();
    }

    private static String waiting(int region, String version) {
        return "Waiting for remote region " + region + " to run migration " + version;
    }

    private static AgentCall askedFor(AgentCall call, List<String> versions) {
        eventually().until(() -> call.releaseRequests().contains(versions));
        return call;
    }

    @Test
    void aRemoteAppliesEveryPendingMigrationInOneRunAndReportsEach() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        GatedMigrator migrator = migrator(RegionRole.REMOTE, migrations, REPORT_TIMEOUT);

        List<LocalMigration> applied = migrator.run();

        assertThat(applied).extracting(LocalMigration::version).containsExactly(V1, V2, V3);
        assertThat(migrations.targets()).as("one Flyway run up to the last").containsExactly(V3);
        AgentCall call = coordinator.awaitCall(1);
        assertThat(call.kinds()).first().isEqualTo(HELLO);
        assertThat(call.kinds().subList(1, call.kinds().size()))
                .as("after the Hello, reports only")
                .allMatch(kind -> kind == MIGRATION_APPLIED);
        List<Migration> told = toldApplied(call);
        assertThat(told).extracting(Migration::getVersion).containsExactly(V1, V2, V3);
        assertThat(told.get(0).getInstalledOn().getSeconds()).isEqualTo(FakeMigrations.INSTALLED_ON.getEpochSecond());
        assertThat(call.halfClosed()).as("the agent half-closed its session").isTrue();
        assertThat(coordinator.callCount()).isEqualTo(1);
        assertThat(lines())
                .containsExactly(
                        "3 pending migrations: " + V1 + " … " + V3,
                        "Applied migration " + V1 + " (migration " + V1 + ")",
                        "Applied migration " + V2 + " (migration " + V2 + ")",
                        "Applied migration " + V3 + " (migration " + V3 + ")",
                        "Database is up to date at version " + V3);
    }

    @Test
    void aRemoteWithoutACoordinatorStillMigratesAndStopsTryingToReportAfterTheTimeout() throws Exception {
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        GatedMigrator migrator = migrator(RegionRole.REMOTE, migrations, Duration.ofMillis(300));

        List<LocalMigration> applied = migrator.run();

        assertThat(applied).extracting(LocalMigration::version).containsExactly(V1, V2);
        assertThat(migrations.targets()).containsExactly(V2);
        assertThat(lines())
                .containsSubsequence(
                        "Applied migration " + V1 + " (migration " + V1 + ")",
                        "Applied migration " + V2 + " (migration " + V2 + ")",
                        "Database is up to date at version " + V2);
        assertThat(lines())
                .last()
                .isEqualTo("Could not report to the coordinator at test-coordinator within 0.3s; "
                        + "it will learn what this region applied when this region's agent next connects");
    }

    @Test
    void theGlobalPrintsOneLinePerRegionItWaitsOnAndRepeatsOnlyWhenTheRegionsChange() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2, V3));
        long request = call.lastRequestId();

        call.send(waitFor(request, V1, 1, 2));
        eventually().until(() -> linesStartingWith("Waiting").size() == 2);
        call.send(waitForBecause(request, V1, "region 1 is disconnected", 1, 2));
        call.send(waitFor(request, V1, 2));
        eventually().until(() -> linesStartingWith("Waiting").size() >= 3);

        assertThat(linesStartingWith("Waiting"))
                .as("the wait whose reasons alone changed is not shown again")
                .containsExactly(waiting(1, V1), waiting(2, V1), waiting(2, V1));
        assertThat(migrations.targets()).isEmpty();
        assertThat(run).isNotDone();

        call.send(go(request, V3));

        assertThat(versions(run)).containsExactly(V1, V2, V3);
        assertThat(migrations.targets()).containsExactly(V3);
        assertThat(call.releaseRequests()).containsExactly(List.of(V1, V2, V3));
    }

    @Test
    void aGoReleasesARangeAppliedInOneRunThenTheGlobalAsksForTheRest() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.appliedThenPending(List.of(V0), List.of(V1, V2, V3));
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2, V3));

        call.send(go(call.lastRequestId(), V2));
        askedFor(call, List.of(V3));

        assertThat(migrations.targets()).containsExactly(V2);
        assertThat(call.appliedReports()).containsExactly(V1, V2);
        assertThat(run).isNotDone();

        call.send(waitFor(call.lastRequestId(), V3, 2));
        eventually().until(() -> lines().contains(waiting(2, V3)));
        call.send(go(call.lastRequestId(), V3));

        assertThat(versions(run)).containsExactly(V1, V2, V3);
        assertThat(migrations.targets()).containsExactly(V2, V3);
        assertThat(call.releaseRequests()).containsExactly(List.of(V1, V2, V3), List.of(V3));
        assertThat(call.appliedReports()).containsExactly(V1, V2, V3);
        assertThat(call.halfClosed()).isTrue();
        assertThat(lines()).last().isEqualTo("Database is up to date at version " + V3);
    }

    @Test
    void aGoForAVersionThatIsNotPendingIsIgnored() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.appliedThenPending(List.of(V0), List.of(V1, V2));
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));
        long request = call.lastRequestId();

        call.send(go(request, V0));
        call.send(go(request, "20991231235959"));
        call.send(waitFor(request, V1, 1));
        eventually().until(() -> lines().contains(waiting(1, V1)));

        assertThat(migrations.targets())
                .as("neither an applied nor an unknown version releases anything")
                .isEmpty();

        call.send(go(request, V2));
        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(migrations.targets()).containsExactly(V2);
    }

    @Test
    void aRejectEndsTheRunWithTheCoordinatorsReasonAndAppliesNothing() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));

        call.send(reject(
                call.lastRequestId(),
                "checksum mismatch for migration " + V1 + ": region 1 applied it with checksum 12345"));

        Throwable failure = failureOf(run);
        assertThat(failure)
                .isExactlyInstanceOf(MusterException.class)
                .hasMessageContaining("the coordinator at test-coordinator refused to release migration " + V1)
                .hasMessageContaining("region 1 applied it with checksum 12345");
        assertThat(((MusterException) failure).exitCode()).isEqualTo(ExitCode.REJECTED);
        assertThat(migrations.targets()).isEmpty();
        assertThat(migrations.appliedVersions()).isEmpty();
    }

    @Test
    void aFailedMigrationIsReportedAfterThoseAppliedBeforeItAndEndsTheRun() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        migrations.failAt(V3);
        GatedMigrator migrator = migrator(RegionRole.REMOTE, migrations, REPORT_TIMEOUT);

        MigrationFailure failure = catchThrowableOfType(MigrationFailure.class, migrator::run);

        assertThat(failure).as("the migration's own failure, rethrown").isNotNull();
        assertThat(failure.version()).isEqualTo(V3);
        assertThat(failure.exitCode()).isEqualTo(ExitCode.FAILED);
        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> call.kinds().contains(MIGRATION_FAILED));
        assertThat(call.kinds()).as("the failure last").last().isEqualTo(MIGRATION_FAILED);
        assertThat(toldApplied(call)).extracting(Migration::getVersion).containsExactly(V1, V2);
        MigrationFailed failed = call.received().get(call.received().size() - 1).getMigrationFailed();
        assertThat(failed.getVersion()).isEqualTo(V3);
        assertThat(failed.getError()).isEqualTo(failure.getMessage()).contains("already exists");
        assertThat(lines())
                .contains("Applied migration " + V2 + " (migration " + V2 + ")")
                .noneMatch(line -> line.startsWith("Database is up to date"));
    }

    @Test
    void theGlobalNeverMigratesWhileTheCoordinatorIsDownAndAsksOnceItIsUp() throws Exception {
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));

        eventually().until(() -> linesStartingWith(LINK_DOWN).size() >= 3);

        assertThat(linesStartingWith(LINK_DOWN))
                .allMatch(
                        line -> line.matches(
                                "Cannot reach the coordinator at test-coordinator \\(UNAVAILABLE: .+\\); retrying in 0\\.[01]s"));
        assertThat(migrations.targets()).isEmpty();
        assertThat(run).isNotDone();

        coordinator.start();
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));
        assertThat(call.kinds().get(0)).isEqualTo(HELLO);
        assertThat(migrations.targets()).isEmpty();
        call.send(go(call.lastRequestId(), V2));

        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(migrations.targets()).containsExactly(V2);
    }

    @Test
    void afterAReconnectTheGlobalAsksAgainOnTheNewSession() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall first = askedFor(coordinator.awaitCall(1), List.of(V1, V2));
        first.send(waitFor(first.lastRequestId(), V1, 1));
        eventually().until(() -> lines().contains(waiting(1, V1)));

        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        AgentCall second = askedFor(coordinator.awaitCall(2), List.of(V1, V2));

        assertThat(second.kinds()).as("a fresh Hello, then the request again").startsWith(HELLO);
        assertThat(second.hello().getRegion()).isEqualTo(99);
        eventually()
                .until(
                        () -> lines().stream()
                                .anyMatch(
                                        line -> line.startsWith(
                                                "Cannot reach the coordinator at test-coordinator (UNAVAILABLE: the coordinator is restarting); retrying in")));
        assertThat(migrations.targets()).isEmpty();

        second.send(go(second.lastRequestId(), V2));

        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(second.appliedReports()).containsExactly(V1, V2);
        assertThat(first.releaseRequests()).containsExactly(List.of(V1, V2));
    }

    @Test
    void afterAReconnectTheGlobalSaysSoAndShowsTheSameWaitAgain() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall first = askedFor(coordinator.awaitCall(1), List.of(V1));
        first.send(waitFor(first.lastRequestId(), V1, 2));
        eventually().until(() -> lines().contains(waiting(2, V1)));

        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        AgentCall second = askedFor(coordinator.awaitCall(2), List.of(V1));
        second.send(waitFor(second.lastRequestId(), V1, 2));

        eventually().until(() -> linesStartingWith("Waiting").size() == 2);
        List<String> afterDrop = lines().subList(lines().indexOf(waiting(2, V1)) + 1, lines().size());
        assertThat(afterDrop)
                .as("link down, back, and the wait it is still in")
                .filteredOn(line -> !line.startsWith("Cannot reach"))
                .containsExactly("Connected to the coordinator at test-coordinator again", waiting(2, V1));
        second.send(go(second.lastRequestId(), V1));
        assertThat(versions(run)).containsExactly(V1);
    }

    @Test
    void aHeldWaitIsShownOnceAndTheWaitLinesComeAgainWhenTheFleetIsResumed() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1));
        long request = call.lastRequestId();
        String held = "the fleet was paused by operator alice@ops (look first); 'muster resume' lets it go on";
        CoordinatorMessage hold = CoordinatorMessage.newBuilder()
                .setWait(Wait.newBuilder().setVersion(V1).setRequestId(request).setHeld(held))
                .build();

        call.send(waitFor(request, V1, 1));
        call.send(hold);
        call.send(hold);
        call.send(waitFor(request, V1, 1));
        eventually().until(() -> linesStartingWith("Waiting").size() == 2);

        assertThat(lines())
                .filteredOn(line -> line.startsWith("Waiting") || line.startsWith("Migration"))
                .containsExactly(waiting(1, V1), "Migration " + V1 + " is held: " + held, waiting(1, V1));
        assertThat(migrations.targets()).isEmpty();
        call.send(go(request, V1));
        assertThat(versions(run)).containsExactly(V1);
    }

    @Test
    void aWaitGoOrRejectForAnEarlierRequestIsIgnored() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2, V3));
        long first = call.lastRequestId();
        call.send(go(first, V1));
        askedFor(call, List.of(V2, V3));
        long second = call.lastRequestId();
        assertThat(second).isGreaterThan(first);

        // What a coordinator sent for the first request before it read the second.
        call.send(waitFor(first, V2, 2));
        call.send(go(first, V3));
        call.send(reject(first, "checksum mismatch for migration " + V3));
        call.send(waitFor(second, V2, 1));
        eventually().until(() -> lines().contains(waiting(1, V2)));

        assertThat(linesStartingWith("Waiting"))
                .as("only the wait for the latest request is shown")
                .containsExactly(waiting(1, V2));
        assertThat(migrations.targets()).as("nothing beyond the first Go").containsExactly(V1);
        assertThat(run).isNotDone();

        call.send(go(second, V3));

        assertThat(versions(run)).containsExactly(V1, V2, V3);
        assertThat(migrations.targets()).containsExactly(V1, V3);
        assertThat(call.requestIds()).containsExactly(first, second);
    }

    @Test
    void aNewSessionGetsANewRequestWithAHigherIdAndAnswersToTheOldOneAreIgnored() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall first = askedFor(coordinator.awaitCall(1), List.of(V1, V2));
        long asked = first.lastRequestId();

        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        AgentCall second = askedFor(coordinator.awaitCall(2), List.of(V1, V2));
        long askedAgain = second.lastRequestId();

        assertThat(first.requestIds()).containsExactly(asked);
        assertThat(second.requestIds())
                .as("one request per session, each with a higher id")
                .containsExactly(askedAgain);
        assertThat(askedAgain).isGreaterThan(asked);

        second.send(go(asked, V2));
        second.send(waitFor(asked, V1, 1));
        second.send(waitFor(askedAgain, V1, 2));
        eventually().until(() -> lines().contains(waiting(2, V1)));

        assertThat(linesStartingWith("Waiting")).containsExactly(waiting(2, V1));
        assertThat(migrations.targets())
                .as("a Go for the request of the old session releases nothing")
                .isEmpty();
        assertThat(run).isNotDone();

        second.send(go(askedAgain, V2));

        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(migrations.targets()).containsExactly(V2);
    }

    @Test
    void aRefusedSessionIsRetriedAndTheRunGoesOnOnceALaterSessionIsWelcomed() throws Exception {
        coordinator.refuseSessions(3, CLAIMED);
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));

        AgentCall welcomed = askedFor(coordinator.awaitCall(4), List.of(V1, V2));

        assertThat(coordinator.callCount()).isEqualTo(4);
        for (int n = 1; n <= 3; n++) {
            assertThat(coordinator.awaitCall(n).kinds())
                    .as("refused session %d", n)
                    .startsWith(HELLO);
        }
        assertThat(migrations.targets()).isEmpty();
        assertThat(run).isNotDone();

        welcomed.send(go(welcomed.lastRequestId(), V2));

        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(welcomed.appliedReports()).containsExactly(V1, V2);
        assertThat(linesStartingWith("The coordinator refused"))
                .as("told once, however often it is refused")
                .containsExactly(REFUSED);
        assertThat(linesStartingWith("The coordinator at test-coordinator ended the session; retrying in"))
                .hasSize(3);
        assertThat(lines()).last().isEqualTo("Database is up to date at version " + V2);
    }

    @Test
    void aGlobalDeniedForItsCertificateStopsAtOnceWithoutMigrating() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));

        coordinator
                .awaitCall(1)
                .fail(Status.PERMISSION_DENIED.withDescription(
                        "this agent's certificate names region 1, but its hello claims region 99"));

        assertThat(failureOf(run)).isInstanceOfSatisfying(MusterException.class, failure -> {
            assertThat(failure.exitCode()).isEqualTo(ExitCode.REJECTED);
            assertThat(failure.getMessage())
                    .isEqualTo("the coordinator at test-coordinator refused this agent: this "
                            + "agent's certificate names region 1, but its hello claims region 99");
        });
        assertThat(migrations.targets()).isEmpty();
    }

    @Test
    void aRemoteDeniedForItsCertificateHasMigratedAndStopsAtOnceInsteadOfRetryingItsReports() throws Exception {
        coordinator.denySessions(Status.UNAUTHENTICATED.withDescription("no client certificate"));
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.REMOTE, migrations, REPORT_TIMEOUT));

        assertThat(failureOf(run))
                .isInstanceOfSatisfying(
                        MusterException.class,
                        failure ->
                                assertThat(failure.getMessage()).endsWith("refused this agent: no client certificate"));
        assertThat(migrations.targets()).containsExactly(V1);
    }

    @Test
    void aRejectWithRequestIdZeroRefusesTheSessionAndDoesNotEndTheRun() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall first = askedFor(coordinator.awaitCall(1), List.of(V1));

        // Request id 0 answers no request: it refuses the session, whatever the agent asked.
        first.send(refusal(CLAIMED));
        first.fail(Status.UNAVAILABLE.withDescription("superseded"));
        AgentCall second = askedFor(coordinator.awaitCall(2), List.of(V1));
        second.send(go(second.lastRequestId(), V1));

        assertThat(versions(run)).containsExactly(V1);
        assertThat(linesStartingWith("The coordinator refused")).containsExactly(REFUSED);
    }

    @Test
    void aRemoteWhoseSessionsAreRefusedReportsOnTheFirstSessionWelcomedAfterItsHello() throws Exception {
        coordinator.refuseSessions(2, CLAIMED);
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        GatedMigrator migrator = migrator(RegionRole.REMOTE, migrations, REPORT_TIMEOUT);

        List<LocalMigration> applied = migrator.run();

        assertThat(applied).extracting(LocalMigration::version).containsExactly(V1, V2);
        assertThat(coordinator.callCount()).isEqualTo(3);
        AgentCall welcomed = coordinator.awaitCall(3);
        // The welcomed session tells the coordinator both, between its Hello (which may have
        // been read before the migration ran) and the reports after it.
        assertThat(welcomed.kinds()).first().isEqualTo(HELLO);
        assertThat(toldApplied(welcomed)).extracting(Migration::getVersion).containsExactly(V1, V2);
        assertThat(welcomed.halfClosed()).isTrue();
        assertThat(lines())
                .doesNotContain("Could not report to the coordinator at test-coordinator within 5.0s; "
                        + "it will learn what this region applied when this region's agent next connects");
    }

    @Test
    void aFailureReportedWhileTheLinkIsDownReachesTheCoordinatorOnTheNextSession() throws Exception {
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        migrations.failAt(V2);
        // Patient enough to outlast the link's backoff, however late the next session comes on a busy machine.
        GatedMigrator migrator = migrator(RegionRole.REMOTE, migrations, Duration.ofMinutes(2));
        Future<List<LocalMigration>> run = inBackground(migrator);
        eventually().until(() -> linesStartingWith(LINK_DOWN).size() >= 2);
        assertThat(migrations.targets())
                .as("a remote does not wait for the coordinator")
                .containsExactly(V3);

        coordinator.start();

        assertThat(failureOf(run)).isInstanceOf(MigrationFailure.class);
        AgentCall call = coordinator.awaitCall(1);
        // V1 committed before the first session: its Hello tells it, and the report is not repeated
        assertThat(call.kinds()).containsExactly(HELLO, MIGRATION_FAILED);
        assertThat(call.hello().getAppliedList())
                .extracting(Migration::getVersion)
                .containsExactly(V1);
        assertThat(call.received().get(1).getMigrationFailed().getVersion()).isEqualTo(V2);
    }

    @Test
    void theGlobalAppliesOnlyWhatWasReleasedWhenItsMigrationFilesChangedWhileItWaited() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V3);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V3));
        long asked = call.lastRequestId();

        migrations.add(V2); // a deploy ships a migration that sorts before the released V3
        call.send(go(asked, V3));
        askedFor(call, List.of(V2, V3));

        assertThat(migrations.appliedVersions())
                .as("V1 was released and is applied; V2, about to run in its place, was not released")
                .containsExactly(V1);
        assertThat(call.appliedReports()).containsExactly(V1);
        assertThat(call.lastRequestId()).isGreaterThan(asked);
        assertThat(run).isNotDone();

        call.send(go(call.lastRequestId(), V3));

        assertThat(versions(run)).containsExactly(V1, V2, V3);
        assertThat(migrations.targets()).containsExactly(V3, V3);
        assertThat(call.releaseRequests()).containsExactly(List.of(V1, V3), List.of(V2, V3));
    }

    @Test
    void theGlobalRefusesAReleasedMigrationWhoseFileChangedWhileItWaited() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));
        long asked = call.lastRequestId();

        migrations.edit(V2);
        call.send(go(asked, V2));
        eventually().until(() -> call.releaseRequests().size() == 2);

        assertThat(migrations.appliedVersions()).containsExactly(V1);
        assertThat(call.releaseRequests().get(1)).containsExactly(V2);
        assertThat(call.releaseRequestChecksums().get(1))
                .as("asked again for V2 as its file is now")
                .containsExactly(migrations.state().pending().get(0).checksum().getAsInt());
        call.send(go(call.lastRequestId(), V2));

        assertThat(versions(run)).containsExactly(V1, V2);
    }

    @Test
    void aRemoteOpensItsSessionBeforeItMigratesAndReportsEachMigrationTheMomentItCommits() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        List<String> reportedBeforeV3Ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        migrations.beforeRunning(V3, () -> {
            AgentCall call = coordinator.awaitCall(1);
            eventually().until(() -> call.appliedReports().size() == 2);
            reportedBeforeV3Ran.addAll(call.appliedReports());
        });

        List<LocalMigration> applied =
                migrator(RegionRole.REMOTE, migrations, REPORT_TIMEOUT).run();

        assertThat(applied).extracting(LocalMigration::version).containsExactly(V1, V2, V3);
        assertThat(reportedBeforeV3Ran).containsExactly(V1, V2);
        AgentCall call = coordinator.awaitCall(1);
        assertThat(call.hello().getAppliedList())
                .as("the Hello went out before anything was applied")
                .isEmpty();
        assertThat(call.appliedReports()).containsExactly(V1, V2, V3);
        assertThat(coordinator.callCount()).isEqualTo(1);
    }

    @Test
    void aMigrationAddedAfterTheReleasedOnesDoesNotHoldThemBackAndIsAskedForNext() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, REPORT_TIMEOUT));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));

        migrations.add(V3);
        call.send(go(call.lastRequestId(), V2));
        askedFor(call, List.of(V3));

        assertThat(migrations.targets()).containsExactly(V2);
        assertThat(call.appliedReports()).containsExactly(V1, V2);

        call.send(go(call.lastRequestId(), V3));

        assertThat(versions(run)).containsExactly(V1, V2, V3);
        assertThat(call.releaseRequests()).containsExactly(List.of(V1, V2), List.of(V3));
    }

    @Test
    void aRemoteWithATargetAppliesThePendingOnesUpToItInOneRunAndNoFurther() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.appliedThenPending(List.of(V0), List.of(V1, V2, V3));
        GatedMigrator migrator = migrator(RegionRole.REMOTE, migrations, V2);

        List<LocalMigration> applied = migrator.run();

        assertThat(applied).extracting(LocalMigration::version).containsExactly(V1, V2);
        assertThat(migrations.targets()).as("one Flyway run up to the target").containsExactly(V2);
        assertThat(migrations.appliedVersions()).containsExactly(V0, V1, V2);
        AgentCall call = coordinator.awaitCall(1);
        assertThat(toldApplied(call, V0)).extracting(Migration::getVersion).containsExactly(V1, V2);
        assertThat(call.halfClosed()).isTrue();
        assertThat(lines())
                .containsExactly(
                        "2 pending migrations: " + V1 + " … " + V2,
                        "Applied migration " + V1 + " (migration " + V1 + ")",
                        "Applied migration " + V2 + " (migration " + V2 + ")",
                        "Database is up to date at version " + V2);
    }

    @Test
    void theGlobalWithATargetAsksForReleaseOfThePendingOnesUpToItAloneAndNeverAppliesPastIt() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.pending(V1, V2, V3);
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, V2));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));
        long request = call.lastRequestId();

        call.send(go(request, V3)); // beyond what it asked for: not a release of anything
        call.send(waitFor(request, V1, 1));
        eventually().until(() -> lines().contains(waiting(1, V1)));
        assertThat(migrations.targets()).isEmpty();
        call.send(go(request, V1));
        askedFor(call, List.of(V2));
        call.send(go(call.lastRequestId(), V2));

        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(migrations.targets()).containsExactly(V1, V2);
        assertThat(migrations.appliedVersions()).containsExactly(V1, V2);
        assertThat(call.releaseRequests()).as("V3 never asked for").containsExactly(List.of(V1, V2), List.of(V2));
        assertThat(lines()).first().isEqualTo("2 pending migrations: " + V1 + " … " + V2);
        assertThat(lines()).last().isEqualTo("Database is up to date at version " + V2);
    }

    @Test
    void theGlobalWithATargetAppliesARangeReleasedUpToItInOneRun() throws Exception {
        coordinator.start();
        FakeMigrations migrations = FakeMigrations.appliedThenPending(List.of(V0), List.of(V1, V2, V3));
        Future<List<LocalMigration>> run = inBackground(migrator(RegionRole.GLOBAL, migrations, V2));
        AgentCall call = askedFor(coordinator.awaitCall(1), List.of(V1, V2));

        call.send(go(call.lastRequestId(), V2));

        assertThat(versions(run)).containsExactly(V1, V2);
        assertThat(migrations.targets()).containsExactly(V2);
        assertThat(call.releaseRequests()).containsExactly(List.of(V1, V2));
        assertThat(call.appliedReports()).containsExactly(V1, V2);
        assertThat(call.halfClosed()).isTrue();
    }

    @Test
    void aTargetThatIsNeitherPendingNorAppliedEndsTheRunBeforeItConnectsAndAppliesNothing() throws Exception {
        coordinator.start();
        for (RegionRole role : RegionRole.values()) {
            FakeMigrations migrations = FakeMigrations.appliedThenPending(List.of(V0), List.of(V1, V2));
            GatedMigrator migrator = migrator(role, migrations, "20991231235959");

            MusterException failure = catchThrowableOfType(MusterException.class, migrator::run);

            assertThat(failure).as("%s", role).isNotNull();
            assertThat(failure.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(failure)
                    .hasMessage("cannot migrate to 20991231235959: it is no migration of this region's "
                            + "migration files, neither pending nor applied (this region's newest is " + V2
                            + "); nothing was migrated");
            assertThat(migrations.targets()).isEmpty();
            assertThat(migrations.appliedVersions()).containsExactly(V0);
            link.close();
        }
        assertThat(coordinator.callCount()).as("no session was begun").isZero();
        assertThat(lines()).isEmpty();
    }

    @Test
    void aTargetAppliedAlreadyFindsTheDatabaseUpToDateAndAppliesNothing() throws Exception {
        coordinator.start();
        for (RegionRole role : RegionRole.values()) {
            FakeMigrations migrations = FakeMigrations.appliedThenPending(List.of(V0, V1), List.of(V2));

            List<LocalMigration> applied = migrator(role, migrations, V0).run();

            assertThat(applied).as("%s", role).isEmpty();
            assertThat(migrations.targets()).isEmpty();
            AgentCall call = coordinator.awaitCall(coordinator.callCount());
            assertThat(call.kinds()).as("a Hello, and no release request").containsExactly(HELLO);
            assertThat(call.halfClosed()).isTrue();
            link.close();
        }
        assertThat(coordinator.callCount()).isEqualTo(2);
        assertThat(lines())
                .containsExactly("Database is up to date at version " + V1, "Database is up to date at version " + V1);
    }
}
