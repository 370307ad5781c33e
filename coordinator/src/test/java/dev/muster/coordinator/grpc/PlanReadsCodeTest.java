package dev.muster.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.GetPlanRequest;
import dev.muster.proto.v1.Plan;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A plan is made from the code on disk now: the daemons are asked to read their files first. */
class PlanReadsCodeTest {

    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";

    private final FleetHub hub = new FleetHub(Fleet.withMembers(List.of(1)), Clock.systemUTC());
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(ServerInterceptors.intercept(
                        new AdminApiService(
                                hub,
                                "9.9.9-test",
                                TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK),
                                false,
                                () -> CompletableFuture.completedFuture(null),
                                new UpgradeDriver(hub)),
                        new CallerInterceptor("muster", Optional.empty())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    @Test
    void newFilesADaemonFindsWhenAskedAreInThePlan() {
        hub.hello(
                1,
                "peer-1",
                new AgentHello(
                        1,
                        Role.REMOTE,
                        "test",
                        "remote",
                        "db-1",
                        List.of(migration(OLDER)),
                        List.of(migration(OLDER)),
                        true),
                new FilesOnDisk(1, List.of(migration(OLDER), migration(V))));
        hub.hello(
                2,
                "peer-99",
                new AgentHello(
                        99,
                        Role.GLOBAL,
                        "test",
                        "global",
                        "db-99",
                        List.of(migration(OLDER)),
                        List.of(migration(OLDER), migration(V)),
                        true),
                new FilesOnDisk(2, List.of(migration(OLDER), migration(V))));

        Plan plan = AdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getPlan(GetPlanRequest.newBuilder().setTargetVersion(V).build());

        assertThat(plan.getBlockersList()).isEmpty();
        assertThat(plan.getStepsList())
                .filteredOn(step -> step.getRegion() == 1)
                .singleElement()
                .satisfies(step -> assertThat(step.getVersionsList()).containsExactly(V));
    }

    /** A daemon whose files now hold {@code files}: asked to read them, it reports them, then answers. */
    private final class FilesOnDisk implements Outbox {

        private final long session;
        private final List<Migration> files;

        FilesOnDisk(long session, List<Migration> files) {
            this.session = session;
            this.files = files;
        }

        @Override
        public void command(long commandId, Step step) {
            assertThat(step).isEqualTo(new Step.ReadCode());
            // as the wire does: on another thread than the hub's caller
            CompletableFuture.runAsync(() -> {
                hub.codeRead(session, Optional.of(files), Instant.now());
                hub.commandResult(session, commandId, new StepResult(0, List.of("read")));
            });
        }

        @Override
        public void welcome(SortedSet<Integer> memberRegions) {}

        @Override
        public void release(long requestId, Release release) {}

        @Override
        public void refuse(String reason) {}

        @Override
        public void supersede() {}
    }
}
