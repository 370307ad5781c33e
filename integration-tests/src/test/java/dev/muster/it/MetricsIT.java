package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.common.config.MetricsConfig;
import dev.muster.common.net.HostPort;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.it.fixture.CommandRun;
import dev.muster.it.fixture.ConfigFiles;
import dev.muster.it.fixture.InProcessLauncher;
import dev.muster.it.fixture.InitializedRegions;
import dev.muster.it.fixture.MetricsPage;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.Promtool;
import dev.muster.it.fixture.RegionMigrations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's {@code /metrics}, scraped while the global waits and after it is
 * released: the figures follow the upgrade, and the page is the Prometheus text format.
 */
class MetricsIT {

    private static final int GLOBAL = 99;
    private static final String GATED_VERSION = "20200424183342";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** A sample line: name, labels, value (the text format's grammar, without timestamps). */
    private static final Pattern SAMPLE =
            Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");

    @RegisterExtension
    static final InitializedRegions REGIONS = new InitializedRegions(GLOBAL, 1, 2);

    @TempDir
    Path dir;

    private final InProcessLauncher launcher = new InProcessLauncher();
    private ConfigFiles configs;
    private RegionMigrations migrations;
    private Coordinator coordinator;
    private String coordinatorAddress;
    private int metricsPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void fleet() throws Exception {
        configs = new ConfigFiles(dir, REGIONS.databases());
        int port = Ports.free();
        coordinatorAddress = "127.0.0.1:" + port;
        metricsPort = Ports.free();
        coordinator = Coordinator.start(
                new CoordinatorConfig(
                        new HostPort("127.0.0.1", port),
                        Optional.empty(),
                        List.of(1, 2),
                        Optional.of(new MetricsConfig(metricsPort)),
                        TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK)),
                "test");
        migrations = new RegionMigrations(launcher, configs, coordinatorAddress, GLOBAL, List.of(1, 2));
    }

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void theFiguresFollowTheGlobalWaitingAndBeingReleased() throws Exception {
        for (int region : List.of(1, 2, GLOBAL)) {
            migrations.runToCompletion(region, "jansa");
        }
        try (CommandRun global = migrations.start(GLOBAL, "kasparov")) {
            global.output().awaitLine("Waiting for remote region 2 to run migration " + GATED_VERSION, 0, PATIENCE);

            MetricsPage waiting = MetricsPage.scrape(metricsPort);
            assertThat(waiting.value("muster_region_waiting_seconds", "region=\"99\""))
                    .isPresent();
            assertThat(waiting.value("muster_signals_sent_total", "type=\"wait\""))
                    .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1));
            assertThat(waiting.value("muster_region_sessions", "region=\"99\"")).hasValue(1.0);
            assertThat(waiting.value("muster_fleet_members", "")).hasValue(2.0);

            migrations.runToCompletion(1, "kasparov");
            migrations.runToCompletion(2, "kasparov");
            assertThat(global.awaitExit(PATIENCE)).isZero();
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            MetricsPage released = MetricsPage.scrape(metricsPort);
            assertThat(released.value("muster_region_waiting_seconds", "region=\"99\""))
                    .as("no longer waiting")
                    .isEmpty();
            assertThat(released.value("muster_signals_sent_total", "type=\"go\""))
                    .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1));
            assertThat(released.value("muster_release_wait_seconds_count", "region=\"99\""))
                    .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1));
            assertThat(released.value("muster_migrations_applied_total", "region=\"1\""))
                    .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(4));
            assertThat(released.value("muster_region_pending_migrations", "region=\"99\""))
                    .hasValue(0.0);
        });
    }

    @Test
    void theEndpointServesTheTextFormatWithJvmAndProcessMetrics() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#")))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches(SAMPLE));
        Promtool.Result lint = Promtool.get().checkMetrics(response.body());
        assertThat(lint.exitCode())
                .as("promtool check metrics: %s", lint.output())
                .isZero();
        assertThat(response.body())
                .contains(
                        "jvm_memory_used_bytes",
                        "process_cpu_usage",
                        "process_uptime_seconds",
                        "application=\"muster-coordinator\"",
                        "# TYPE muster_fleet_members gauge");
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
