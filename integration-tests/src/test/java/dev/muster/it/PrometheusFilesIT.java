package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.Promtool;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The distribution's Prometheus files as promtool sees them: the scrape configuration with
 * its rule file, and the alert rules, which fire as their unit tests
 * ({@code prometheus/muster-alerts-test.yml} in the test resources) expect. And promtool's
 * {@code check metrics}, for /metrics pages, tells a clean page from a bad one.
 */
class PrometheusFilesIT {

    private static final Pattern JOB = Pattern.compile("job=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private final Promtool promtool = Promtool.get();
    private final Path prometheus = Distribution.home().resolve("prometheus");

    @Test
    void theScrapeConfigurationAndTheRulesItLoadsAreValid() {
        Promtool.Result result = promtool.checkConfig(prometheus.resolve("prometheus.yml"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void theAlertRulesAreValidAndSpeakOfTheScrapeJobs() throws Exception {
        Promtool.Result result = promtool.checkRules(prometheus.resolve("muster-alerts.yml"));
        assertThat(result.exitCode()).as(result.output()).isZero();

        Set<String> jobs = new TreeSet<>();
        for (Object scrape :
                (List<?>) yaml(prometheus.resolve("prometheus.yml")).get("scrape_configs")) {
            jobs.add((String) ((Map<?, ?>) scrape).get("job_name"));
        }
        Set<String> used = new TreeSet<>();
        for (Map<?, ?> rule : rules()) {
            Matcher job = JOB.matcher((String) rule.get("expr"));
            while (job.find()) {
                used.add(job.group(1));
            }
        }
        assertThat(used).isNotEmpty().isSubsetOf(jobs);
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsUnitTestsExpect() throws Exception {
        Path tests = dir.resolve("muster-alerts-test.yml");
        try (InputStream resource = getClass().getResourceAsStream("/prometheus/muster-alerts-test.yml")) {
            Files.copy(resource, tests);
        }
        // the tests name the rules as a sibling file
        Files.copy(prometheus.resolve("muster-alerts.yml"), dir.resolve("muster-alerts.yml"));

        Promtool.Result result = promtool.testRules(tests);

        assertThat(result.exitCode()).as(result.output()).isZero();
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Object test : (List<?>) yaml(tests).get("tests")) {
            for (Object evaluation : (List<?>) ((Map<?, ?>) test).get("alert_rule_test")) {
                Map<?, ?> expected = (Map<?, ?>) evaluation;
                String alert = (String) expected.get("alertname");
                if (((List<?>) expected.get("exp_alerts")).isEmpty()) {
                    quiet.add(alert);
                } else {
                    firing.add(alert);
                }
            }
        }
        List<String> alerts =
                rules().stream().map(rule -> (String) rule.get("alert")).toList();
        assertThat(firing).as("alerts the tests see firing").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(quiet).as("alerts the tests see not firing").containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void aCleanMetricsPagePasses() {
        Promtool.Result result = promtool.checkMetrics("""
                # HELP muster_fleet_members Member remote regions: the global waits for each
                # TYPE muster_fleet_members gauge
                muster_fleet_members 2.0
                # HELP muster_signals_sent_total Answers to release requests, by type
                # TYPE muster_signals_sent_total counter
                muster_signals_sent_total{type="go",} 3.0
                """);

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // lint: a counter's name ends in _total
                "# HELP muster_signals_sent Answers\n# TYPE muster_signals_sent counter\nmuster_signals_sent 3.0\n",
                // lint: no help text
                "# TYPE muster_fleet_members gauge\nmuster_fleet_members 2.0\n",
                // not the text format: a label value without quotes
                "# HELP muster_region_sessions Sessions\n# TYPE muster_region_sessions gauge\nmuster_region_sessions{region=1} 1\n"
            })
    void aBadMetricsPageFails(String page) {
        Promtool.Result result = promtool.checkMetrics(page);

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).isNotBlank();
    }

    private List<Map<?, ?>> rules() throws Exception {
        List<Map<?, ?>> rules = new ArrayList<>();
        for (Object group :
                (List<?>) yaml(prometheus.resolve("muster-alerts.yml")).get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                rules.add((Map<?, ?>) rule);
            }
        }
        return rules;
    }

    private static Map<?, ?> yaml(Path file) throws Exception {
        return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }
}
