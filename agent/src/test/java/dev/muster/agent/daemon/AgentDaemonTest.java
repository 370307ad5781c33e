package dev.muster.agent.daemon;

import static dev.muster.agent.link.FakeCoordinator.command;
import static dev.muster.agent.link.FakeCoordinator.eventually;
import static dev.muster.proto.v1.AgentMessage.KindCase.COMMAND_RESULT;
import static dev.muster.proto.v1.AgentMessage.KindCase.HELLO;
import static dev.muster.proto.v1.AgentMessage.KindCase.REPLICATION_REPORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.google.protobuf.Timestamp;
import dev.muster.agent.gate.GateLink;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.FakeCoordinator;
import dev.muster.agent.link.FakeCoordinator.AgentCall;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.LocalHello;
import dev.muster.agent.link.ReplicationReports;
import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.agent.steps.UpgradeSteps;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.time.Backoff;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.CodeReport;
import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.CommandResult;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.MigrateTo;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.ReadCode;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.Role;
import dev.muster.proto.v1.SetUpReplication;
import dev.muster.proto.v1.TeardownReplication;
import dev.muster.proto.v1.VerifyReplication;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AgentDaemonTest {

    private static final String DATABASE_ID = "7312345678901234567/vmdb_production";
    private static final Duration SHORT = Duration.ofMillis(100);
    /** Longer than any test: a report that arrives comes from a session starting, not from the interval. */
    private static final Duration NEVER = Duration.ofHours(1);

    private static final String V1 = "20200424183342";

    private final String name = InProcessServerBuilder.generateName();
    private final FakeCoordinator coordinator = new FakeCoordinator(name);
    private final AtomicInteger migrationReads = new AtomicInteger();
    private final AtomicInteger reportReads = new AtomicInteger();
    private volatile Supplier<ReplicationReport> reports = this::report;
    private final LocalHello hello = new LocalHello(1, Role.REMOTE, "test-agent", this::migrations, () -> DATABASE_ID);
    private final FakeSteps runner = new FakeSteps();
    private AgentDaemon daemon;

    @AfterEach
    void stop() throws InterruptedException {
        if (daemon != null) {
            daemon.close();
        }
        coordinator.close();
    }

    /** The region's migrations as read for each Hello: one more applied with every read. */
    private MigrationState migrations() {
        int read = migrationReads.incrementAndGet();
        List<LocalMigration> applied = IntStream.rangeClosed(1, read)
                .mapToObj(n -> new LocalMigration(
                        Integer.toString(n),
                        "migration " + n,
                        OptionalInt.of(n),
                        Optional.of(Instant.parse("2024-05-01T12:00:00Z"))))
                .toList();
        return new MigrationState(applied, applied, List.of());
    }

    /** A report as the daemon reads it: taken now. */
    private ReplicationReport report() {
        reportReads.incrementAndGet();
        return ReplicationReports.global(List.of(), Instant.now());
    }

    private AgentDaemon start(Duration interval) throws Exception {
        coordinator.start();
        daemon = new AgentDaemon(
                (helloSupplier, listener) -> new CoordinatorLink(
                        InProcessChannelBuilder.forName(name).directExecutor().build(),
                        "test-coordinator",
                        helloSupplier,
                        listener,
                        new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
                hello,
                () -> reports.get(),
                Optional.empty(),
                interval,
                runner,
                new SimpleMeterRegistry());
        daemon.start();
        return daemon;
    }

    private static List<ReplicationReport> reportsOn(AgentCall call) {
        return call.received().stream()
                .filter(AgentMessage::hasReplicationReport)
                .map(AgentMessage::getReplicationReport)
                .toList();
    }

    /**
     * The session began with its Hello and got a report at once, and nothing else. Not exactly one
     * report: one already under way when the session was welcomed goes out on it too.
     */
    private static void assertHelloThenReports(AgentCall call) {
        eventually().until(() -> reportsOn(call).size() >= 1);
        List<AgentMessage.KindCase> kinds = call.kinds();
        assertThat(kinds).startsWith(HELLO, REPLICATION_REPORT);
        assertThat(kinds.subList(1, kinds.size())).containsOnly(REPLICATION_REPORT);
    }

    /** The sessions begun so far, in order. */
    private List<AgentCall> calls() {
        return IntStream.rangeClosed(1, coordinator.callCount())
                .mapToObj(coordinator::awaitCall)
                .toList();
    }

    /** Waits until one session has received {@code count} command results, and returns them. */
    private static List<CommandResult> awaitResults(AgentCall call, int count) {
        eventually().until(() -> call.commandResults().size() >= count);
        return call.commandResults();
    }

    private static CoordinatorMessage migrate(long id, String target) {
        return command(Command.newBuilder()
                .setCommandId(id)
                .setMigrate(MigrateTo.newBuilder().setTargetVersion(target))
                .build());
    }

    private static CoordinatorMessage teardown(long id, String mode) {
        return command(Command.newBuilder()
                .setCommandId(id)
                .setTeardown(TeardownReplication.newBuilder().setMode(mode))
                .build());
    }

    private static CoordinatorMessage setup(long id) {
        return command(Command.newBuilder()
                .setCommandId(id)
                .setSetup(SetUpReplication.getDefaultInstance())
                .build());
    }

    private static long millisBetween(ReplicationReport earlier, ReplicationReport later) {
        return millis(later.getTakenAt()) - millis(earlier.getTakenAt());
    }

    private static long millis(Timestamp timestamp) {
        return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
    }

    @Test
    void theHelloCarriesTheDatabaseIdAndAReportFollowsTheWelcomeThenEveryInterval() throws Exception {
        start(SHORT);

        AgentCall call = coordinator.awaitCall(1);
        Hello first = call.hello();
        assertThat(first.getDatabaseId()).isEqualTo(DATABASE_ID);
        assertThat(first.getInstanceId()).isEqualTo(hello.instanceId());
        assertThat(first.getRegion()).isEqualTo(1);

        eventually().until(() -> reportsOn(call).size() >= 3);
        assertThat(call.kinds().get(0)).isEqualTo(HELLO);
        assertThat(call.kinds().subList(1, call.kinds().size())).containsOnly(REPLICATION_REPORT);
        List<ReplicationReport> received = reportsOn(call);
        assertThat(millisBetween(received.get(1), received.get(2)))
                .as("the interval between reports")
                .isGreaterThanOrEqualTo(SHORT.toMillis() - 1);
    }

    @Test
    void eachNewSessionStartsWithAFreshHelloAndGetsAReportAtOnce() throws Exception {
        start(NEVER);
        AgentCall first = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(first).size() >= 1);
        int readsBefore = reportReads.get();

        first.complete();

        AgentCall second = coordinator.awaitCall(2);
        assertHelloThenReports(second);
        assertThat(reportReads.get()).as("read afresh for the new session").isGreaterThan(readsBefore);
        Hello again = second.hello();
        assertThat(again.getAppliedCount())
                .as("migrations read afresh")
                .isGreaterThan(first.hello().getAppliedCount());
        assertThat(again.getDatabaseId()).isEqualTo(DATABASE_ID);
        assertThat(again.getInstanceId())
                .as("the same process")
                .isEqualTo(first.hello().getInstanceId());
    }

    @Test
    void aSessionLostToAnErrorIsRestoredWithAReportToo() throws Exception {
        start(NEVER);
        AgentCall first = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(first).size() >= 1);

        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));

        AgentCall second = coordinator.awaitCall(2);
        assertHelloThenReports(second);
    }

    @Test
    void aRefusedSessionIsNotFatalTheDaemonKeepsTrying() throws Exception {
        coordinator.refuseSessions(2, "region 1 is connected from another database");
        start(NEVER);

        AgentCall welcomed = coordinator.awaitCall(3);
        assertHelloThenReports(welcomed);
        assertThat(coordinator.awaitCall(1).kinds())
                .as("refused before any report could follow")
                .startsWith(HELLO);
    }

    @Test
    void aReportThatCannotBeMadeDoesNotEndTheReporting() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        reports = () -> {
            if (failures.getAndIncrement() < 2) {
                IllegalStateException failure = new IllegalStateException("a bug in reading the report");
                failure.setStackTrace(new StackTraceElement[0]); // the daemon logs it; keep the build output short
                throw failure;
            }
            return report();
        };
        start(SHORT);

        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(call).size() >= 2);
        assertThat(failures.get()).isGreaterThan(2);
    }

    @Test
    void anUnreadableDatabaseIsReportedAsSuch() throws Exception {
        reports = () -> ReplicationReports.unavailable("cannot connect to this region's database", Instant.now());
        start(SHORT);

        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(call).size() >= 2);
        assertThat(reportsOn(call))
                .extracting(ReplicationReport::getUnavailable)
                .containsOnly("cannot connect to this region's database");
    }

    @Test
    void closingEndsTheSessionStopsReportingAndReleasesAwaitTermination() throws Exception {
        start(SHORT);
        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(call).size() >= 1);
        CompletableFuture<Void> terminated = CompletableFuture.runAsync(() -> {
            try {
                daemon.awaitTermination();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(terminated).isNotDone();

        daemon.close();
        daemon.close();

        assertThat(terminated).succeedsWithin(FakeCoordinator.TIMEOUT);
        eventually().until(call::cancelled);
        int reads = reportReads.get();
        eventually().during(SHORT.multipliedBy(3)).until(() -> reportReads.get() == reads);
        assertThat(coordinator.callCount()).isEqualTo(1);
    }

    @Test
    void aDaemonStartsOnlyOnce() throws Exception {
        start(NEVER);

        assertThatIllegalStateException().isThrownBy(daemon::start).withMessage("the agent daemon was already started");
    }

    @Test
    void theDaemonsHelloSaysItIsTheDaemonsWhateverItWasGiven() throws Exception {
        assertThat(hello.get().getDaemon()).as("a Hello as migrate sends it").isFalse();

        start(NEVER);

        assertThat(coordinator.awaitCall(1).hello().getDaemon()).isTrue();
    }

    @Test
    void aCommandRunsAsItsStepAndItsResultCarriesItsIdExitStatusAndOutputAsTheCommandLineWouldEnd() throws Exception {
        runner.failure = new MusterException(ExitCode.REJECTED, "the coordinator refused");
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);

        call.send(migrate(7, V1));

        CommandResult result = awaitResults(call, 1).get(0);
        String step = "migrate --to " + V1;
        assertThat(runner.commandLines).containsExactly(step);
        assertThat(result.getCommandId()).isEqualTo(7);
        assertThat(result.getExitStatus()).isEqualTo(3);
        assertThat(result.getOutputList()).containsExactly("ran " + step, "migrate: the coordinator refused");
    }

    @Test
    void everyActionRunsTheStepOfTheCommandOfTheSameName() throws Exception {
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);

        call.send(teardown(1, "drop"));
        call.send(migrate(2, V1));
        call.send(migrate(3, ""));
        call.send(setup(4));
        call.send(command(Command.newBuilder()
                .setCommandId(5)
                .setVerify(VerifyReplication.getDefaultInstance())
                .build()));

        assertThat(awaitResults(call, 5))
                .extracting(CommandResult::getExitStatus)
                .containsOnly(0);
        assertThat(runner.commandLines)
                .containsExactly(
                        "replication teardown --mode drop",
                        "migrate --to " + V1,
                        "migrate",
                        "replication setup",
                        "replication verify");
    }

    @Test
    void aCommandThatIsNoValidStepIsAUsageErrorAndNothingRuns() throws Exception {
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);

        call.send(teardown(4, "pause"));
        call.send(migrate(5, "latest"));

        List<CommandResult> results = awaitResults(call, 2);
        assertThat(results).extracting(CommandResult::getExitStatus).containsOnly(ExitCode.USAGE.status());
        assertThat(results.get(0).getOutputList())
                .containsExactly("teardown: 'pause' is not a teardown mode: use drop or disable");
        assertThat(results.get(1).getOutputList())
                .containsExactly(
                        "migrate: 'latest' is not a migration version: use digits and dots, e.g. 20200424183342");
        assertThat(runner.commandLines).isEmpty();
    }

    @Test
    void theMigrateStepAsksForReleaseOnTheDaemonsOwnSessionAndGetsItsGo() throws Exception {
        runner.asksForRelease = true;
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);

        call.send(migrate(8, V1));
        eventually().until(() -> call.releaseRequests().size() == 1);
        call.send(FakeCoordinator.go(call.lastRequestId(), V1));

        CommandResult result = awaitResults(call, 1).get(0);
        assertThat(result.getExitStatus()).isZero();
        assertThat(result.getOutputList()).containsExactly("ran migrate --to " + V1, "released up to " + V1, "done");
        assertThat(call.releaseRequests()).containsExactly(List.of(V1));
        assertThat(coordinator.callCount()).as("no second session").isEqualTo(1);
    }

    @Test
    void commandsRunOneAtATimeInTheOrderTheyCame() throws Exception {
        runner.holding = true;
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);

        call.send(teardown(1, "disable"));
        call.send(setup(2));
        eventually().until(() -> runner.steps.size() == 1);
        eventually().during(Duration.ofMillis(300)).until(() -> runner.steps.size() == 1);
        assertThat(call.commandResults()).isEmpty();
        runner.goOn.release(2);

        List<CommandResult> results = awaitResults(call, 2);
        String teardown = "replication teardown --mode disable";
        String setup = "replication setup";
        assertThat(runner.steps)
                .containsExactly("start " + teardown, "end " + teardown, "start " + setup, "end " + setup);
        assertThat(results).extracting(CommandResult::getCommandId).containsExactly(1L, 2L);
        assertThat(results.get(1).getOutputList()).containsExactly("ran " + setup, "done");
    }

    @Test
    void replicationReportsGoOnWhileACommandRuns() throws Exception {
        runner.holding = true;
        start(SHORT);
        AgentCall call = coordinator.awaitCall(1);

        call.send(migrate(1, ""));
        eventually().until(() -> runner.steps.size() == 1);
        int before = reportsOn(call).size();

        eventually().until(() -> reportsOn(call).size() >= before + 3);
        assertThat(call.commandResults()).as("the command still runs").isEmpty();
        runner.goOn.release();
        assertThat(awaitResults(call, 1).get(0).getExitStatus()).isZero();
        assertThat(runner.commandLines).containsExactly("migrate");
    }

    @Test
    void aResultMadeWhileNoSessionIsWelcomedIsSentRightAfterTheNextWelcome() throws Exception {
        runner.holding = true;
        start(NEVER);
        AgentCall first = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(first).size() >= 1);
        first.send(setup(5));
        eventually().until(() -> runner.steps.size() == 1);

        coordinator.refuseSessions(Integer.MAX_VALUE, "region 1 is connected from another database");
        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));
        coordinator.awaitCall(2);
        runner.goOn.release();
        eventually().until(() -> runner.steps.size() == 2);
        // kept through sessions that were refused, before and after it was made
        coordinator.awaitCall(coordinator.callCount() + 2);
        coordinator.refuseSessions(0, "");

        eventually()
                .until(() ->
                        calls().stream().anyMatch(call -> !call.commandResults().isEmpty()));
        List<AgentCall> withResults = calls().stream()
                .filter(call -> !call.commandResults().isEmpty())
                .toList();
        assertThat(withResults).hasSize(1);
        AgentCall welcomed = withResults.get(0);
        assertThat(calls().indexOf(welcomed))
                .as("a session after the refused ones")
                .isGreaterThan(3);
        // Its only report is its Welcome's (the interval is never reached), and the kept result goes before it.
        eventually().until(() -> reportsOn(welcomed).size() >= 1);
        assertThat(welcomed.kinds()).containsExactly(HELLO, COMMAND_RESULT, REPLICATION_REPORT);
        assertThat(welcomed.commandResults().get(0).getCommandId()).isEqualTo(5);
        assertThat(welcomed.commandResults().get(0).getOutputList()).containsExactly("ran replication setup", "done");
    }

    @Test
    void aCommandWithoutAnActionThisAgentKnowsIsAnsweredWithExitStatusTwo() throws Exception {
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);

        call.send(command(Command.newBuilder().setCommandId(9).build()));
        call.send(setup(10));

        List<CommandResult> results = awaitResults(call, 2);
        assertThat(results.get(0).getCommandId()).isEqualTo(9);
        assertThat(results.get(0).getExitStatus()).isEqualTo(2);
        assertThat(results.get(0).getOutputList())
                .containsExactly(
                        "This agent does not know that command; it may be older than the coordinator. Nothing was done");
        assertThat(runner.commandLines).as("only the command it knows ran").containsExactly("replication setup");
        assertThat(results.get(1).getExitStatus()).isZero();
    }

    @Test
    void closingInterruptsARunningCommandAndSendsHowItEnded() throws Exception {
        runner.holding = true;
        start(NEVER);
        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(call).size() >= 1);
        call.send(migrate(3, V1));
        eventually().until(() -> runner.steps.size() == 1);

        daemon.close();

        assertThat(runner.interrupted).isTrue();
        CommandResult result = awaitResults(call, 1).get(0);
        assertThat(result.getCommandId()).isEqualTo(3);
        assertThat(result.getExitStatus()).isEqualTo(1);
        assertThat(result.getOutputList())
                .containsExactly("ran migrate --to " + V1, "The agent was stopped while this command ran");
    }

    /**
     * Records every step it is given, as its command line, and what it did, in order; while
     * {@code holding}, each step waits until the test lets it go on.
     */
    private static final class FakeSteps implements UpgradeSteps {

        final List<String> commandLines = new CopyOnWriteArrayList<>();
        final List<String> steps = new CopyOnWriteArrayList<>();
        final Semaphore goOn = new Semaphore(0);
        volatile boolean holding;
        volatile boolean asksForRelease;
        volatile MusterException failure;
        volatile boolean interrupted;

        @Override
        public void teardown(TeardownMode mode, PrintWriter out) {
            uninterruptibly(
                    () -> step("replication teardown --mode " + mode.name().toLowerCase(Locale.ROOT), out));
        }

        @Override
        public void migrate(Optional<String> target, GateLink session, BlockingQueue<LinkEvent> events, PrintWriter out)
                throws InterruptedException {
            String commandLine =
                    target.map(version -> "migrate --to " + version).orElse("migrate");
            commandLines.add(commandLine);
            steps.add("start " + commandLine);
            out.println("ran " + commandLine);
            hold();
            if (asksForRelease) {
                session.send(WireMessages.releaseRequest(1, List.of(migration(target.orElseThrow()))));
                while (!(events.take() instanceof LinkEvent.Released released)
                        || released.go().getRequestId() != 1) {
                    // the daemon's other events: Welcome, reports' answers
                }
                out.println("released up to " + target.get());
            }
            end(commandLine, out);
        }

        @Override
        public void setup(PrintWriter out) {
            uninterruptibly(() -> step("replication setup", out));
        }

        @Override
        public void verify(PrintWriter out) {
            uninterruptibly(() -> step("replication verify", out));
        }

        private void step(String commandLine, PrintWriter out) throws InterruptedException {
            commandLines.add(commandLine);
            steps.add("start " + commandLine);
            out.println("ran " + commandLine);
            hold();
            end(commandLine, out);
        }

        private void hold() throws InterruptedException {
            if (holding) {
                try {
                    goOn.acquire();
                } catch (InterruptedException e) {
                    interrupted = true;
                    throw e;
                }
            }
        }

        private void end(String commandLine, PrintWriter out) {
            if (failure != null) {
                throw failure;
            }
            out.println("done");
            steps.add("end " + commandLine);
        }

        private interface Interruptible {
            void run() throws InterruptedException;
        }

        /** As a replication step that runs JDBC, which an interrupt does not end with an InterruptedException. */
        private static void uninterruptibly(Interruptible step) {
            try {
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MusterException(ExitCode.FAILED, "interrupted");
            }
        }

        private static LocalMigration migration(String version) {
            return new LocalMigration(version, "migration " + version, OptionalInt.of(1), Optional.empty());
        }
    }

    /** A daemon whose Hellos and code reports read {@code files}. */
    private AgentDaemon startReadingCode(Duration interval, Supplier<List<LocalMigration>> files) throws Exception {
        LocalHello hello = new LocalHello(
                1,
                Role.REMOTE,
                "test-agent",
                () -> new MigrationState(List.of(), files.get(), files.get()),
                () -> DATABASE_ID);
        coordinator.start();
        daemon = new AgentDaemon(
                (helloSupplier, listener) -> new CoordinatorLink(
                        InProcessChannelBuilder.forName(name).directExecutor().build(),
                        "test-coordinator",
                        helloSupplier,
                        listener,
                        new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
                hello,
                () -> reports.get(),
                Optional.of(files),
                interval,
                runner,
                new SimpleMeterRegistry());
        daemon.start();
        return daemon;
    }

    private static List<CodeReport> codeReportsOn(AgentCall call) {
        return call.received().stream()
                .filter(AgentMessage::hasCodeReport)
                .map(AgentMessage::getCodeReport)
                .toList();
    }

    private static LocalMigration file(String version) {
        return new LocalMigration(
                version, "migration " + version, OptionalInt.of(version.hashCode()), Optional.empty());
    }

    @Test
    void newMigrationFilesReachTheCoordinatorWithinAnIntervalAndOnlyWhenTheyChanged() throws Exception {
        AtomicReference<List<LocalMigration>> files = new AtomicReference<>(List.of(file("1"), file("2")));
        startReadingCode(SHORT, files::get);
        AgentCall call = coordinator.awaitCall(1);
        eventually().until(() -> codeReportsOn(call).size() >= 2);
        assertThat(codeReportsOn(call)).allSatisfy(report -> {
            assertThat(report.getChanged()).as("nothing new since the Hello").isFalse();
            assertThat(report.getAvailableList()).isEmpty();
            assertThat(report.hasReadAt()).isTrue();
        });

        List<LocalMigration> newRelease = new ArrayList<>(files.get());
        newRelease.add(file(V1));
        files.set(newRelease);

        eventually().until(() -> codeReportsOn(call).stream().anyMatch(CodeReport::getChanged));
        CodeReport changed = codeReportsOn(call).stream()
                .filter(CodeReport::getChanged)
                .findFirst()
                .orElseThrow();
        assertThat(changed.getAvailableList()).extracting(Migration::getVersion).endsWith(V1);
        int reportsSoFar = codeReportsOn(call).size();
        eventually().until(() -> codeReportsOn(call).size() >= reportsSoFar + 2);
        assertThat(codeReportsOn(call).stream().filter(CodeReport::getChanged))
                .as("told once")
                .hasSize(1);
    }

    @Test
    void askedToReadItsCodeTheDaemonReportsItBeforeAnsweringEvenWhileAStepRuns() throws Exception {
        AtomicReference<List<LocalMigration>> files = new AtomicReference<>(List.of(file(V1)));
        runner.holding = true;
        startReadingCode(NEVER, files::get);
        AgentCall call = coordinator.awaitCall(1);
        call.send(migrate(1, V1));
        eventually().until(() -> runner.steps.size() == 1);

        call.send(command(Command.newBuilder()
                .setCommandId(2)
                .setReadCode(ReadCode.getDefaultInstance())
                .build()));

        List<CommandResult> results = awaitResults(call, 1);
        assertThat(results.get(0).getCommandId())
                .as("answered while the migrate still runs")
                .isEqualTo(2);
        assertThat(results.get(0).getExitStatus()).isZero();
        List<AgentMessage.KindCase> kinds = call.kinds();
        assertThat(kinds.lastIndexOf(AgentMessage.KindCase.CODE_REPORT))
                .as("the report before the answer")
                .isLessThan(kinds.indexOf(AgentMessage.KindCase.COMMAND_RESULT));
        runner.goOn.release();
    }
}
