package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.common.ExitCode;
import dev.muster.common.tls.TestPki;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.ProcessLauncher;
import dev.muster.it.fixture.RegionMigrations;
import dev.muster.it.fixture.SchemaHistory;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on real processes and real PostgreSQL: a coordinator from the distribution
 * keeping the fleet in the global's database, the global waiting on a migration, and
 * parties that must not get in. Each refusal is checked where it counts: the global still
 * waits, what the coordinator stored did not change, and its event log names the refusal.
 */
class MutualTlsIT {

    private static final int GLOBAL = 99;
    private static final String GATED_VERSION = "20200424183342";
    private static final String JANSA_NEWEST = "20200101000003";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String IMPOSTOR_DATABASE = "impostor";

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private ConfigFiles configs;
    private TestPki pki;
    private String coordinatorAddress;
    private RegionMigrations migrations;
    private AutoCloseable coordinator;
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeEach
    void fleetOnTheFirstReleaseOverMutualTls() throws Exception {
        configs = new ConfigFiles(dir, REGIONS.databases()).withTls();
        pki = configs.pki().orElseThrow();
        coordinatorAddress = "127.0.0.1:" + Ports.free();
        coordinator = new ProcessLauncher().serve(configs.durableCoordinator(coordinatorAddress, GLOBAL, 1, 2));
        migrations = new RegionMigrations(new ProcessLauncher(), configs, coordinatorAddress, GLOBAL, List.of(1, 2));
        migrations.migrateAll("jansa");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        sql(1, "DROP DATABASE IF EXISTS " + IMPOSTOR_DATABASE + " WITH (FORCE)");
    }

    @Test
    void noOneSpeaksForARegionWithoutItsCertificateAndTheGlobalKeepsWaiting() throws Exception {
        CommandRun global = started(migrations.start(GLOBAL, "kasparov"));
        global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);
        global.output().awaitLine(RegionMigrations.waitLine(2, GATED_VERSION), 0, PATIENCE);
        sql(1, "CREATE DATABASE " + IMPOSTOR_DATABASE);
        TestPki otherCa = TestPki.create(dir.resolve("other-ca"));

        // scratch databases at the new release, each claiming region 1 (or, with region 1's own
        // certificate, region 2): the attack muster exists to stop
        CommandRun plaintext = impostor("plaintext", 1, "");
        CommandRun foreign = impostor(
                "foreign", 1, tls(otherCa.region(1).cert(), otherCa.region(1).key()));
        CommandRun expired = impostor(
                "expired",
                1,
                tls(pki.expiredRegion(1).cert(), pki.expiredRegion(1).key()));
        // refused for its identity, it ends at once, however long the report timeout it was given
        CommandRun otherRegion = impostor(
                "other-region", 2, tls(pki.region(1).cert(), pki.region(1).key()), PATIENCE);
        Status noCertificate = helloWithoutACertificate(1);

        assertThat(otherRegion.awaitExit(PATIENCE))
                .as("%s", otherRegion.output())
                .isEqualTo(ExitCode.REJECTED.status());
        assertThat(text(otherRegion)).contains("refused this agent", "names region 1", "claims region 2");
        assertThat(noCertificate.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(noCertificate.getDescription()).contains("requires a client certificate");
        for (CommandRun run : List.of(plaintext, foreign, expired)) {
            assertThat(run.awaitExit(PATIENCE)).as("%s", run.output()).isZero();
            assertThat(text(run)).contains("Could not report to the coordinator");
        }
        assertThat(text(plaintext)).contains("closed the connection at once", "coordinator.tls");
        assertThat(text(foreign)).contains("refused this client's certificate", "not issued by its CA");
        assertThat(text(expired)).contains("this client's certificate", "the certificate expired at");
        for (CommandRun run : List.of(plaintext, foreign, expired, otherRegion)) {
            assertThat(text(run)).as("one line, no stack trace").doesNotContain("Exception", "\tat ");
        }

        await("the refusals in the coordinator's event log")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(storedEvents("REFUSED"))
                        .anySatisfy(detail ->
                                assertThat(detail).contains("spiffe://muster/region/1", "not issued by a CA in"))
                        .anySatisfy(detail -> assertThat(detail).contains("the certificate expired at"))
                        .anySatisfy(detail -> assertThat(detail).contains("names region 1", "claims region 2"))
                        .anySatisfy(detail -> assertThat(detail).contains("requires a client certificate")));
        assertThat(global.isRunning()).isTrue();
        assertThat(SchemaHistory.of(REGIONS.databases().database(GLOBAL)).has(GATED_VERSION))
                .isFalse();
        assertThat(storedNewestApplied(1)).isEqualTo(JANSA_NEWEST);
        assertThat(storedNewestApplied(2)).isEqualTo(JANSA_NEWEST);

        // the real regions, with their own certificates, release the global as ever
        migrations.runToCompletion(1, "kasparov");
        migrations.runToCompletion(2, "kasparov");
        assertThat(global.awaitExit(PATIENCE)).as("%s", global.output()).isZero();
        assertThat(SchemaHistory.of(REGIONS.databases().database(GLOBAL)).has(GATED_VERSION))
                .isTrue();
    }

    @Test
    void aViewerCannotReleaseAndAnAdminCanAndIsNamedFromItsCertificate() throws Exception {
        CommandRun global = started(migrations.start(GLOBAL, "kasparov"));
        global.output().awaitLine(RegionMigrations.waitLine(1, GATED_VERSION), 0, PATIENCE);

        CommandRun viewerStatus = muster(ConfigFiles.VIEWER, "status");
        assertThat(viewerStatus.awaitExit(PATIENCE))
                .as("%s", viewerStatus.output())
                .isZero();
        assertThat(text(viewerStatus)).contains("Mutual TLS: agents and operators are who their certificates say");

        CommandRun viewerRelease = muster(ConfigFiles.VIEWER, "release", "--force", GATED_VERSION, "--reason", "test");
        assertThat(viewerRelease.awaitExit(PATIENCE))
                .as("%s", viewerRelease.output())
                .isEqualTo(ExitCode.REJECTED.status());
        assertThat(text(viewerRelease)).contains("operator viewer is a viewer", "needs the admin role");
        await("the denial stored")
                .atMost(PATIENCE)
                .until(() -> !storedEvents("DENIED").isEmpty());
        assertThat(storedForcedReleases()).isEmpty();
        assertThat(global.isRunning()).isTrue();

        CommandRun adminRelease = muster(ConfigFiles.ADMIN, "release", "--force", GATED_VERSION, "--reason", "test");
        assertThat(adminRelease.awaitExit(PATIENCE))
                .as("%s", adminRelease.output())
                .isZero();
        assertThat(storedForcedReleases())
                .singleElement()
                .satisfies(by -> assertThat(by).startsWith("operator admin (from 127.0.0.1:"));
        await("the global released by force")
                .atMost(PATIENCE)
                .until(() ->
                        SchemaHistory.of(REGIONS.databases().database(GLOBAL)).has(GATED_VERSION));
    }

    @Test
    void aPlaintextClientAndATlsClientOfAPlaintextCoordinatorAreEachToldInOneLine() throws Exception {
        CommandRun plaintext =
                started(new LauncherProcess("muster", "muster", "status", "--coordinator", coordinatorAddress));
        assertThat(plaintext.awaitExit(PATIENCE)).as("%s", plaintext.output()).isEqualTo(ExitCode.UNAVAILABLE.status());
        assertThat(plaintext.output().lines())
                .singleElement()
                .satisfies(line -> assertThat(line).contains(coordinatorAddress, "--tls-cert"));

        String plaintextAddress = "127.0.0.1:" + Ports.free();
        started(new ProcessLauncher()
                .serve(configs.write("plaintext.yaml", "listen: \"" + plaintextAddress + "\"\nregions: [1, 2]\n")));
        CommandRun tlsClient = musterAt(plaintextAddress, ConfigFiles.ADMIN, "status");
        assertThat(tlsClient.awaitExit(PATIENCE)).as("%s", tlsClient.output()).isEqualTo(ExitCode.UNAVAILABLE.status());
        assertThat(tlsClient.output().lines())
                .singleElement()
                .satisfies(line -> assertThat(line).contains(plaintextAddress, "answered in plaintext"));
    }

    /**
     * A remote's migrate on a scratch database at the new release, claiming {@code region}; it
     * gives up reporting after 20 s, as one the coordinator never hears should: time for a few
     * refused attempts, each of which it prints, even on a busy machine.
     */
    private CommandRun impostor(String name, int region, String tls) {
        return impostor(name, region, tls, Duration.ofSeconds(20));
    }

    private CommandRun impostor(String name, int region, String tls, Duration reportTimeout) {
        String url = REGIONS.databases().jdbcUrl(1).replace("/vmdb_production", "/" + IMPOSTOR_DATABASE);
        String locations = String.join(
                ", ",
                Stream.of(Distribution.release("kasparov"))
                        .map(location -> "\"" + location + "\"")
                        .toList());
        Path config = configs.write(
                "impostor-" + name + ".yaml",
                String.join(
                        "\n",
                        "region: " + region,
                        "role: remote",
                        "database: { url: \"" + url + "\", user: postgres }",
                        "migrations: { locations: [" + locations + "] }",
                        "coordinator: { address: \"" + coordinatorAddress + "\"" + tls + " }",
                        ""));
        return started(new LauncherProcess(
                "impostor-" + name,
                "muster-agent",
                "migrate",
                "--config",
                config.toString(),
                "--report-timeout",
                reportTimeout.toSeconds() + "s"));
    }

    private String tls(Path cert, Path key) {
        return ", tls: { cert: \"" + cert + "\", key: \"" + key + "\", ca: \"" + pki.caFile() + "\" }";
    }

    /** A hello claiming {@code region} over TLS from a client that shows no certificate; how the call ended. */
    private Status helloWithoutACertificate(int region) throws Exception {
        String[] hostPort = coordinatorAddress.split(":");
        ManagedChannel channel = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(pki.caFile().toFile())
                        .build())
                .build();
        try {
            CompletableFuture<Status> ended = new CompletableFuture<>();
            StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .session(new StreamObserver<>() {
                        @Override
                        public void onNext(CoordinatorMessage message) {}

                        @Override
                        public void onError(Throwable t) {
                            ended.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(Status.OK);
                        }
                    });
            requests.onNext(AgentMessage.newBuilder()
                    .setHello(Hello.newBuilder()
                            .setRegion(region)
                            .setRole(Role.REMOTE)
                            .setInstanceId("no-certificate")
                            .setAgentVersion("test"))
                    .build());
            return ended.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow();
        }
    }

    private CommandRun muster(String operator, String... args) {
        return musterAt(coordinatorAddress, operator, args);
    }

    private CommandRun musterAt(String address, String operator, String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--coordinator", address));
        command.addAll(configs.operatorOptions(operator));
        return started(new LauncherProcess("muster", "muster", command.toArray(String[]::new)));
    }

    private <T extends AutoCloseable> T started(T closeable) {
        started.add(closeable);
        return closeable;
    }

    private static String text(CommandRun run) {
        return String.join("\n", run.output().lines());
    }

    private static void sql(int region, String statement) throws Exception {
        try (Connection connection = REGIONS.databases().database(region).getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    private static List<String> storedEvents(String kind) throws Exception {
        return strings("SELECT detail FROM muster.fleet_event WHERE kind = '" + kind + "' ORDER BY id");
    }

    private static List<String> storedForcedReleases() throws Exception {
        return strings("SELECT forced_by FROM muster.fleet_forced_release");
    }

    /** The newest version the coordinator stored as applied by {@code region}. */
    private static String storedNewestApplied(int region) throws Exception {
        List<String> versions = strings("SELECT version FROM muster.fleet_region_migration WHERE region = " + region
                + " AND applied_position IS NOT NULL ORDER BY version DESC LIMIT 1");
        return versions.isEmpty() ? "" : versions.get(0);
    }

    private static List<String> strings(String query) throws Exception {
        try (Connection connection = REGIONS.databases().database(GLOBAL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (result.next()) {
                values.add(result.getString(1));
            }
            return values;
        }
    }
}
