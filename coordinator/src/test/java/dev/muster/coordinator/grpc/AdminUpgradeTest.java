package dev.muster.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.UpgradeProgress;
import dev.muster.proto.v1.UpgradeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code AdminService.Upgrade} over an in-process channel: the request checked, the progress streamed. */
class AdminUpgradeTest {

    private static final String V = "20200424183342";

    private FleetHub hub;
    private UpgradeDriver upgrades;
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private String serverName;
    private Server server;
    private ManagedChannel channel;
    private AdminServiceGrpc.AdminServiceBlockingStub admin;

    @BeforeEach
    void startServer() throws Exception {
        // A fleet whose members and global never connected: every upgrade stops in preflight.
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.systemUTC());
        hub.observe((fleet, happened) -> events.addAll(happened));
        upgrades = new UpgradeDriver(hub);
        serverName = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(serverName)
                .directExecutor()
                .addService(ServerInterceptors.intercept(
                        new AdminApiService(
                                hub,
                                "9.9.9-test",
                                TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK),
                                true,
                                () -> CompletableFuture.completedFuture(null),
                                upgrades),
                        new CallerInterceptor("muster", Optional.empty())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(serverName).directExecutor().build();
        admin = AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        upgrades.close();
        channel.shutdownNow();
        server.shutdownNow();
        assertThat(channel.awaitTermination(5, TimeUnit.SECONDS))
                .as("channel terminated")
                .isTrue();
        assertThat(server.awaitTermination(5, TimeUnit.SECONDS))
                .as("server terminated")
                .isTrue();
    }

    private static UpgradeRequest.Builder request() {
        return UpgradeRequest.newBuilder().setTargetVersion(V).setActor("alice@ops-1");
    }

    private static List<UpgradeProgress> drain(Iterator<UpgradeProgress> stream) {
        List<UpgradeProgress> all = new ArrayList<>();
        stream.forEachRemaining(all::add);
        return all;
    }

    @Test
    void aTeardownModeOtherThanDropOrDisableIsAnInvalidArgument() {
        Iterator<UpgradeProgress> stream =
                admin.upgrade(request().setTeardownMode("truncate").build());

        assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription())
                    .contains("drop or disable")
                    .contains("'truncate'");
        });
        assertThat(events).as("no upgrade started").noneMatch(event -> event.kind() == EventKind.UPGRADE);
    }

    @Test
    void theStreamCarriesTheLinesAndALastMessageWithTheOutcome() {
        List<UpgradeProgress> progress =
                drain(admin.upgrade(request().setTeardownMode("disable").build()));

        assertThat(progress).extracting(UpgradeProgress::getFinished).containsExactly(false, false, true);
        assertThat(progress.get(0).getLine())
                .isEqualTo("Upgrade to " + V + ", started by an unauthenticated client (from " + serverName + ")");
        assertThat(progress.get(1).getLine()).isEqualTo("==> preflight");
        assertThat(progress.subList(0, 2))
                .allSatisfy(line -> assertThat(line.getSucceeded()).isFalse());
        UpgradeProgress last = progress.get(2);
        assertThat(last.getSucceeded()).isFalse();
        assertThat(last.getLine()).startsWith("stopped at 'preflight'").contains("region 1 has never connected");
    }

    @Test
    void theCallerIsTheActorOfTheUpgradesEventsNotWhatTheRequestSays() {
        drain(admin.upgrade(request().build()));

        // without TLS nobody is authenticated: the request's "alice@ops-1" names no one
        assertThat(events)
                .filteredOn(event -> event.kind() == EventKind.UPGRADE)
                .isNotEmpty()
                .allSatisfy(event ->
                        assertThat(event.actor()).isEqualTo("an unauthenticated client (from " + serverName + ")"));
    }

    @Test
    void aRequestWithoutATeardownModeIsAccepted() {
        List<UpgradeProgress> progress =
                drain(admin.upgrade(request().setTeardownMode("").build()));

        assertThat(progress)
                .last()
                .satisfies(last -> assertThat(last.getFinished()).isTrue());
    }

    @Test
    void aSecondUpgradeWhileOneRunsIsAFailedPrecondition() {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        upgrades.start(
                new UpgradeDriver.Request(V, "drop", "operator bob@ops-2", Duration.ofMinutes(1)),
                new UpgradeDriver.Progress() {
                    @Override
                    public void line(String text) {
                        started.countDown();
                        try {
                            hold.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void finished(boolean succeeded, String summary) {
                        first.complete(succeeded);
                    }
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0);

        Iterator<UpgradeProgress> stream = admin.upgrade(request().build());

        assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription())
                    .contains("an upgrade to " + V + " started by operator bob@ops-2 is running")
                    .contains("muster watch");
        });
        hold.countDown();
        await().atMost(Duration.ofSeconds(10)).until(first::isDone);
    }
}
