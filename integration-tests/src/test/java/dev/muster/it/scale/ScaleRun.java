package dev.muster.it.scale;

import static org.awaitility.Awaitility.await;

import dev.muster.common.BuildInfo;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.net.HostPort;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.GetStatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One size of the scale benchmark: a coordinator in this JVM with its store in a fresh
 * database of the embedded server, N simulated member remotes and the global connecting at
 * once, then trials of a new version reported by every member while the global waits for
 * it, the status an operator asks for, and the store catching up.
 */
final class ScaleRun {

    static final Duration PATIENCE = Duration.ofMinutes(20);
    private static final int STATUS_CALLS = 3;

    private final EmbeddedPostgres server;
    private final PrintStream out;

    ScaleRun(EmbeddedPostgres server, PrintStream out) {
        this.server = server;
        this.out = out;
    }

    ScaleFigures run(int regions, int migrations, int trials) throws Exception {
        String database = "scale_" + regions;
        recreate(database);
        CoordinatorConfig config = new CoordinatorConfig(
                new HostPort("127.0.0.1", 0),
                Optional.of(new DatabaseConfig(server.getJdbcUrl("postgres", database), "postgres", Optional.empty())),
                SimulatedFleet.members(regions),
                Optional.empty(),
                TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK));
        try (Coordinator coordinator = Coordinator.create(config, BuildInfo.version())) {
            coordinator.start();
            AppliedCount count = new AppliedCount();
            coordinator.hub().observe(count);
            try (SimulatedFleet fleet = new SimulatedFleet(coordinator.port(), regions, migrations)) {
                long start = System.nanoTime();
                fleet.helloAll();
                long lastWelcome = fleet.global().welcomed().join();
                for (SimulatedAgent remote : fleet.remotes()) {
                    lastWelcome = Math.max(lastWelcome, remote.welcomed().join());
                }
                Duration hellos = Duration.ofNanos(lastWelcome - start);
                out.printf("%,d regions: Hellos admitted in %.1f s%n", regions, hellos.toMillis() / 1000.0);
                List<Duration> goes = new ArrayList<>();
                for (int trial = 1; trial <= trials; trial++) {
                    goes.add(trial(fleet, count, migrations + trial, trial));
                    out.printf(
                            "  trial %d: last report → Go %s ms%n",
                            trial, ScaleFigures.millis(goes.get(goes.size() - 1)));
                }
                coordinator.store().orElseThrow().flush().get(PATIENCE.toMinutes(), TimeUnit.MINUTES);
                Duration storeCaughtUp = Duration.ofNanos(System.nanoTime() - start);
                long rows = storedRows(database);
                System.gc();
                long heap =
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                OptionalLong rss = residentSet();
                List<Duration> statusTimes = new ArrayList<>();
                FleetStatus status = null;
                ManagedChannel admin = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port())
                        .usePlaintext()
                        .maxInboundMessageSize(64 << 20)
                        .build();
                try {
                    for (int call = 0; call < STATUS_CALLS; call++) {
                        long before = System.nanoTime();
                        status = AdminServiceGrpc.newBlockingStub(admin)
                                .withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS)
                                .getStatus(GetStatusRequest.getDefaultInstance());
                        statusTimes.add(Duration.ofNanos(System.nanoTime() - before));
                    }
                } finally {
                    admin.shutdownNow();
                }
                ScaleFigures figures = new ScaleFigures(
                        regions,
                        migrations,
                        hellos,
                        goes,
                        heap,
                        rss,
                        statusTimes,
                        status.getRegionsCount(),
                        rows,
                        storeCaughtUp);
                out.println(figures.summary());
                return figures;
            }
        }
    }

    /**
     * The global asks for a new version; every member but the last reports it, and once the
     * coordinator has taken those in, the last one does: the time from its report leaving to
     * the Go arriving.
     */
    private static Duration trial(SimulatedFleet fleet, AppliedCount count, int n, long requestId) throws Exception {
        String version = SimulatedFleet.version(n);
        SimulatedAgent global = fleet.global();
        global.requestRelease(requestId, List.of(SimulatedFleet.file(n)));
        global.firstWait(requestId).get(PATIENCE.toMinutes(), TimeUnit.MINUTES);
        List<SimulatedAgent> remotes = fleet.remotes();
        for (SimulatedAgent remote : remotes.subList(0, remotes.size() - 1)) {
            remote.applied(SimulatedFleet.applied(n));
        }
        await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> count.of(version) == remotes.size() - 1);
        long sent = System.nanoTime();
        remotes.get(remotes.size() - 1).applied(SimulatedFleet.applied(n));
        long go = global.go(requestId).get(PATIENCE.toMinutes(), TimeUnit.MINUTES);
        return Duration.ofNanos(go - sent);
    }

    private void recreate(String database) throws SQLException {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + database);
        }
    }

    private long storedRows(String database) throws SQLException {
        try (Connection connection = server.getDatabase("postgres", database).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                        SELECT (SELECT count(*) FROM muster.fleet_region_migration)
                             + (SELECT count(*) FROM muster.fleet_region)
                             + (SELECT count(*) FROM muster.fleet_event)""")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** VmRSS of /proc/self/status: this JVM's resident memory. */
    static OptionalLong residentSet() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
