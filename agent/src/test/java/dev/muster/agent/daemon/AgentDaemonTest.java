package dev.muster.agent.daemon;

import static dev.muster.agent.link.FakeCoordinator.eventually;
import static dev.muster.proto.v1.AgentMessage.KindCase.HELLO;
import static dev.muster.proto.v1.AgentMessage.KindCase.REPLICATION_REPORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.google.protobuf.Timestamp;
import dev.muster.agent.link.Backoff;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.FakeCoordinator;
import dev.muster.agent.link.FakeCoordinator.AgentCall;
import dev.muster.agent.link.LocalHello;
import dev.muster.agent.link.ReplicationReports;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.Role;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final String name = InProcessServerBuilder.generateName();
    private final FakeCoordinator coordinator = new FakeCoordinator(name);
    private final AtomicInteger migrationReads = new AtomicInteger();
    private final AtomicInteger reportReads = new AtomicInteger();
    private volatile Supplier<ReplicationReport> reports = this::report;
    private final LocalHello hello = new LocalHello(1, Role.REMOTE, "test-agent", this::migrations, () -> DATABASE_ID);
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
                .mapToObj(n -> new LocalMigration(Integer.toString(n), "migration " + n, OptionalInt.of(n),
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
        daemon = new AgentDaemon((helloSupplier, listener) -> new CoordinatorLink(
                InProcessChannelBuilder.forName(name).directExecutor().build(), "test-coordinator", helloSupplier,
                listener, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
                hello, () -> reports.get(), interval);
        daemon.start();
        return daemon;
    }

    private static List<ReplicationReport> reportsOn(AgentCall call) {
        return call.received().stream().filter(AgentMessage::hasReplicationReport)
                .map(AgentMessage::getReplicationReport).toList();
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
        assertThat(millisBetween(received.get(1), received.get(2))).as("the interval between reports")
                .isGreaterThanOrEqualTo(SHORT.toMillis() - 1);
    }

    @Test
    void eachNewSessionStartsWithAFreshHelloAndGetsAReportAtOnce() throws Exception {
        start(NEVER);
        AgentCall first = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(first).size() == 1);
        int readsBefore = reportReads.get();

        first.complete();

        AgentCall second = coordinator.awaitCall(2);
        eventually().until(() -> reportsOn(second).size() == 1);
        assertThat(second.kinds()).containsExactly(HELLO, REPLICATION_REPORT);
        assertThat(reportReads.get()).as("read afresh for the new session").isGreaterThan(readsBefore);
        Hello again = second.hello();
        assertThat(again.getAppliedCount()).as("migrations read afresh").isGreaterThan(first.hello().getAppliedCount());
        assertThat(again.getDatabaseId()).isEqualTo(DATABASE_ID);
        assertThat(again.getInstanceId()).as("the same process").isEqualTo(first.hello().getInstanceId());
    }

    @Test
    void aSessionLostToAnErrorIsRestoredWithAReportToo() throws Exception {
        start(NEVER);
        AgentCall first = coordinator.awaitCall(1);
        eventually().until(() -> reportsOn(first).size() == 1);

        first.fail(Status.UNAVAILABLE.withDescription("the coordinator is restarting"));

        AgentCall second = coordinator.awaitCall(2);
        eventually().until(() -> reportsOn(second).size() == 1);
        assertThat(second.kinds()).containsExactly(HELLO, REPLICATION_REPORT);
    }

    @Test
    void aRefusedSessionIsNotFatalTheDaemonKeepsTrying() throws Exception {
        coordinator.refuseSessions(2, "region 1 is connected from another database");
        start(NEVER);

        AgentCall welcomed = coordinator.awaitCall(3);
        eventually().until(() -> reportsOn(welcomed).size() == 1);
        assertThat(welcomed.kinds()).containsExactly(HELLO, REPLICATION_REPORT);
        assertThat(coordinator.awaitCall(1).kinds()).as("refused before any report could follow").startsWith(HELLO);
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
        assertThat(reportsOn(call)).extracting(ReplicationReport::getUnavailable)
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
}
