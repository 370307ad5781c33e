package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.muster.agent.config.AgentConfig;
import dev.muster.common.tls.TestPki;
import dev.muster.coordinator.access.OperatorRole;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.it.fixture.Distribution;
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
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The distribution's operations files are true: the Grafana dashboard and Prometheus alert
 * rules speak of metrics that exist (every {@code muster_} name they use is one the README
 * documents), and the example configurations load.
 */
class OperationsFilesIT {

    private static final Pattern METRIC = Pattern.compile("\\bmuster_[a-z_]+\\b");
    /** What Prometheus appends to a counter's or a timer's name. */
    private static final Pattern SUFFIX = Pattern.compile("_(total|count|sum|max|bucket)$");

    @Test
    void theExampleConfigurationsLoadOnceTheFilesTheyNameExist(@TempDir Path dir) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/muster"));
        TestPki pki = TestPki.create(etc.resolve("tls"));
        pki.coordinator();
        pki.region(1);
        Files.writeString(etc.resolve("db.password"), "secret\n");
        Path coordinator = relocated(Distribution.home().resolve("etc/coordinator.yaml"), etc);
        Path agent = relocated(Distribution.home().resolve("etc/agent.yaml"), etc);

        CoordinatorConfig coordinatorConfig = CoordinatorConfig.load(coordinator);
        AgentConfig agentConfig = AgentConfig.load(agent);

        assertThat(coordinatorConfig.security().mode()).isEqualTo(TransportSecurity.Mode.MUTUAL_TLS);
        assertThat(coordinatorConfig.security().globalRegion()).hasValue(99);
        assertThat(coordinatorConfig.security().operators().roleOf("alice")).contains(OperatorRole.ADMIN);
        assertThat(agentConfig.coordinator().tls())
                .hasValueSatisfying(tls -> assertThat(tls.cert()).isEqualTo(etc.resolve("tls/region-1.crt")));
    }

    /** A copy of an example configuration whose /etc/muster paths lie under {@code etc}. */
    private static Path relocated(Path example, Path etc) throws Exception {
        return Files.writeString(
                etc.resolve(example.getFileName()), Files.readString(example).replace("/etc/muster/", etc + "/"));
    }

    @Test
    void theDashboardHasAQueryInEveryPanelAndOnlyDocumentedMetrics() throws Exception {
        JsonObject dashboard = JsonParser.parseString(
                        Files.readString(Distribution.home().resolve("grafana/muster-fleet.json")))
                .getAsJsonObject();
        List<String> queries = new ArrayList<>();
        for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
            List<String> own = new ArrayList<>();
            panel.getAsJsonObject()
                    .getAsJsonArray("targets")
                    .forEach(target ->
                            own.add(target.getAsJsonObject().get("expr").getAsString()));
            assertThat(own)
                    .as("queries of panel %s", panel.getAsJsonObject().get("title"))
                    .isNotEmpty()
                    .allSatisfy(query -> assertThat(query).isNotBlank());
            queries.addAll(own);
        }
        assertThat(dashboard.get("uid").getAsString()).isEqualTo("muster-fleet");

        assertThat(metricsIn(queries)).isNotEmpty().isSubsetOf(documentedMetrics());
    }

    @Test
    void theAlertRulesUseOnlyDocumentedMetricsAndSaySomething() throws Exception {
        Map<?, ?> rules = (Map<?, ?>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Distribution.home().resolve("prometheus/muster-alerts.yml")));
        List<String> expressions = new ArrayList<>();
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> alert = (Map<?, ?>) rule;
                assertThat((String) alert.get("alert")).startsWith("Muster");
                assertThat(((Map<?, ?>) alert.get("annotations")).get("summary"))
                        .as("summary of %s", alert.get("alert"))
                        .isNotNull();
                expressions.add((String) alert.get("expr"));
            }
        }

        assertThat(metricsIn(expressions)).isNotEmpty().isSubsetOf(documentedMetrics());
    }

    private static Set<String> metricsIn(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions) {
            Matcher matcher = METRIC.matcher(expression);
            while (matcher.find()) {
                names.add(SUFFIX.matcher(matcher.group()).replaceAll(""));
            }
        }
        return names;
    }

    /** The names in the README's metrics table, without the suffixes Prometheus appends. */
    private static Set<String> documentedMetrics() throws Exception {
        Path readme = Distribution.home().resolve("README.md");
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(readme)) {
            if (line.startsWith("| `muster_")) {
                String nameCell = line.split("\\|")[1];
                Matcher matcher = METRIC.matcher(nameCell);
                while (matcher.find()) {
                    names.add(SUFFIX.matcher(matcher.group()).replaceAll(""));
                }
            }
        }
        return names;
    }
}
