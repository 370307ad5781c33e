package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.MetricsPage;
import dev.muster.it.fixture.OperationsMetrics;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.Promtool;
import dev.muster.it.fixture.Transcript;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The coordinator and an agent daemon scraped all through {@code muster sandbox}'s upgrade,
 * as Prometheus would on appliances: the figures move as the upgrade goes — the global
 * waits, is released, replication lags while it is down and is back to zero after.
 */
class SandboxMetricsIT {

    private static final String GATED_VERSION = "20200424183342";
    private static final String LAST_VERSION = "20200801120000";
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String STAYS_UP = "The fleet stays up to be explored until you stop the sandbox (Ctrl-C):";

    /**
     * A scrape of the coordinator (and of region 1's daemon, once it serves), and how many lines
     * the sandbox had printed when it began and when it ended.
     */
    private record Scrape(int printedBefore, int printedAfter, MetricsPage page, Optional<MetricsPage> agent) {}

    /** Metrics that exist only while a state lasts, as the README's table says. */
    private static final Set<String> WHILE_A_STATE_LASTS = Set.of("muster_region_waiting_seconds");

    @Test
    void theFiguresFollowTheUpgradeFromWaitsToReleasesToLagBackToZero() throws Exception {
        int coordinatorPort = Ports.freeRun(4);
        int regionOneAgentPort = coordinatorPort + 1;
        List<Scrape> timeline = new CopyOnWriteArrayList<>();
        ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
        try (LauncherProcess sandbox = new LauncherProcess(
                "sandbox-metrics",
                "muster",
                "sandbox",
                "--teardown",
                "disable",
                "--metrics-port",
                String.valueOf(coordinatorPort),
                "--stay")) {
            Transcript output = sandbox.output();
            scraper.scheduleWithFixedDelay(
                    () -> {
                        int printed = output.size();
                        try {
                            MetricsPage page = MetricsPage.scrape(coordinatorPort);
                            Optional<MetricsPage> agent;
                            try {
                                agent = Optional.of(MetricsPage.scrape(regionOneAgentPort));
                            } catch (UncheckedIOException daemonNotStartedYet) {
                                agent = Optional.empty();
                            }
                            timeline.add(new Scrape(printed, output.size(), page, agent));
                        } catch (UncheckedIOException notServingYet) {
                            // before the coordinator starts, and after the sandbox stops
                        }
                    },
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            try {
                output.awaitLine(STAYS_UP, 0, PATIENCE);

                int upgradeStarts = lineStarting(output, "==> 10. Upgrade to kasparov");
                List<MetricsPage> beforeUpgrade = pages(timeline, 0, upgradeStarts);
                List<MetricsPage> duringUpgrade = pages(timeline, upgradeStarts, lineStarting(output, "==> 11. "));
                assertThat(beforeUpgrade).as("scrapes before the upgrade").isNotEmpty();
                MetricsPage lastBefore = beforeUpgrade.get(beforeUpgrade.size() - 1);
                assertThat(lastBefore.value("muster_region_pending_migrations", "region=\"99\""))
                        .hasValue(0.0);
                assertThat(lastBefore.label("muster_region_applied_version", "version", "region=\"99\""))
                        .hasValue("20200101000003");

                // replication verified, nothing migrating, no step carried out by a daemon yet
                Scrape idle =
                        scrapes(timeline, lineStarting(output, "==> 7. "), lineStarting(output, "==> 8. ")).stream()
                                .filter(scrape -> scrape.agent().isPresent())
                                .reduce((first, last) -> last)
                                .orElseThrow(
                                        () -> new AssertionError("no scrape of both while replication was verified"));
                assertThat(OperationsMetrics.used())
                        .as("what the dashboard and the alert rules query")
                        .isNotEmpty()
                        .filteredOn(name -> !WHILE_A_STATE_LASTS.contains(name))
                        .allSatisfy(name -> assertThat(idle.page()
                                        .value(name)
                                        .or(() -> idle.agent().get().value(name)))
                                .as("%s on an idle fleet's scrape", name)
                                .isPresent());

                assertThat(duringUpgrade)
                        .as("once on the new release's code, the global has its 4 migrations to apply")
                        .anySatisfy(page -> assertThat(page.value("muster_region_pending_migrations", "region=\"99\""))
                                .hasValue(4.0));
                assertThat(duringUpgrade)
                        .as("while the global waits, a scrape shows how long it has waited")
                        .anySatisfy(page -> assertThat(page.value(
                                        "muster_region_waiting_seconds",
                                        "region=\"99\"",
                                        "version=\"" + GATED_VERSION + "\""))
                                .isPresent());
                assertThat(pages(timeline, lineStarting(output, "==> 9. "), lineStarting(output, "==> 12. ")))
                        .as("with its subscription disabled, region 1's writes pile up unconfirmed in its slot")
                        .anySatisfy(page -> assertThat(page.value(
                                        "muster_subscription_lag_bytes",
                                        "region=\"1\"",
                                        "subscription=\"region_1_subscription\""))
                                .hasValueSatisfying(bytes -> assertThat(bytes).isPositive()));

                MetricsPage released = MetricsPage.scrape(coordinatorPort);
                assertThat(released.value("muster_region_waiting_seconds", "region=\"99\""))
                        .as("no longer waiting")
                        .isEmpty();
                assertThat(released.value("muster_signals_sent_total", "type=\"go\""))
                        .hasValueSatisfying(goes -> assertThat(goes)
                                .isGreaterThan(lastBefore
                                        .value("muster_signals_sent_total", "type=\"go\"")
                                        .orElse(0.0)));
                // Go releases the longest released prefix: when region 2's reports of its four
                // migrations trickle in, the global may be released for the first and wait again.
                assertThat(released.value("muster_release_wait_seconds_count", "region=\"99\""))
                        .hasValueSatisfying(waits -> assertThat(waits).isBetween(1.0, 4.0));
                assertThat(released.value("muster_release_wait_seconds_sum", "region=\"99\""))
                        .hasValueSatisfying(waited -> assertThat(waited).isPositive());
                assertThat(released.value("muster_release_latency_seconds_count", "region=\"99\""))
                        .hasValueSatisfying(releases -> assertThat(releases).isBetween(1.0, 4.0));
                assertThat(released.value("muster_region_pending_migrations", "region=\"99\""))
                        .hasValue(0.0);
                assertThat(released.label("muster_region_applied_version", "version", "region=\"99\""))
                        .hasValue(LAST_VERSION);
                // Every region's 7 migrations, each counted and timed once: a remote migrates at
                // once, so its first hello may be read after some of the first release's committed,
                // and those come with that hello (as one event) rather than one report each.
                for (String region : List.of("99", "1", "2")) {
                    assertThat(released.value("muster_migration_duration_seconds_count", "region=\"" + region + "\""))
                            .as("region %s's migrations, with how long each ran", region)
                            .hasValue(7.0);
                    assertThat(released.value("muster_migrations_applied_total", "region=\"" + region + "\""))
                            .as("region %s's migrations, each counted once", region)
                            .hasValue(7.0);
                }
                assertThat(released.value("muster_upgrade_phase", "phase=\"idle\""))
                        .hasValue(1.0);

                await("replication lag back to zero")
                        .atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> {
                            MetricsPage now = MetricsPage.scrape(coordinatorPort);
                            for (String region : List.of("1", "2")) {
                                String subscription = "subscription=\"region_" + region + "_subscription\"";
                                assertThat(now.value("muster_subscription_lag_bytes", subscription))
                                        .hasValue(0.0);
                                assertThat(now.value("muster_subscription_lag_seconds", subscription))
                                        .hasValue(0.0);
                                assertThat(now.value(
                                                "muster_slot_retained_wal_bytes",
                                                "slot=\"region_" + region + "_subscription\""))
                                        .isPresent();
                            }
                        });

                MetricsPage agent = MetricsPage.scrape(regionOneAgentPort);
                assertThat(agent.value("muster_agent_connected", "region=\"1\""))
                        .hasValue(1.0);
                double reports = agent.value("muster_agent_replication_reports_total", "region=\"1\"")
                        .orElseThrow();
                await("region 1's daemon reporting on")
                        .atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(MetricsPage.scrape(regionOneAgentPort)
                                        .value("muster_agent_replication_reports_total", "region=\"1\""))
                                .hasValueSatisfying(now -> assertThat(now).isGreaterThan(reports)));

                Promtool promtool = Promtool.get();
                for (MetricsPage page : List.of(MetricsPage.scrape(coordinatorPort), agent)) {
                    Promtool.Result check = promtool.checkMetrics(page.text());
                    assertThat(check.exitCode())
                            .as("promtool check metrics: %s", check.output())
                            .isZero();
                }

                assertThat(sandbox.terminate(Duration.ofSeconds(60)))
                        .as("stopped by SIGTERM")
                        .isEqualTo(143);
                assertThat(output.lines())
                        .contains(
                                "Stopping the sandbox.",
                                "The sandbox ran the procedure to the end; everything it started is stopped and removed.");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + output, e);
            }
        } finally {
            scraper.shutdownNow();
            scraper.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static int lineStarting(Transcript output, String prefix) {
        List<String> lines = output.lines();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("the sandbox printed no line starting with '" + prefix + "':\n" + output);
    }

    /** The pages scraped wholly after the sandbox had printed line {@code from} and before it printed line {@code to}. */
    private static List<MetricsPage> pages(List<Scrape> timeline, int from, int to) {
        return scrapes(timeline, from, to).stream().map(Scrape::page).toList();
    }

    private static List<Scrape> scrapes(List<Scrape> timeline, int from, int to) {
        return timeline.stream()
                .filter(scrape -> scrape.printedBefore() > from && scrape.printedAfter() <= to)
                .toList();
    }
}
