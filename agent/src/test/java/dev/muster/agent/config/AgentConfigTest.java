package dev.muster.agent.config;

import static dev.muster.agent.config.ConfigErrors.assertConfigError;
import static dev.muster.agent.config.ConfigErrors.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.net.HostPort;
import dev.muster.common.region.RegionNumber;
import dev.muster.common.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentConfigTest {

    /** DESIGN.md's example as a remote writes it; passwords relative to the file. */
    private static final String REMOTE = """
            region: 1
            role: remote                 # remote | global
            database: { url: "jdbc:postgresql://127.0.0.1:5432/vmdb_production", user: root, password_file: db.password }
            migrations: { locations: ["filesystem:/var/www/miq/vmdb/db/migrate"] }
            coordinator: { address: "global.example:7600" }
            replication:
              publication: miq
              exclude_tables: []
            metrics: { port: 9611 }
            """;

    private static final String GLOBAL = """
            region: 99
            role: global
            database: { url: "jdbc:postgresql://127.0.0.1:5432/vmdb_production", user: root, password_file: db.password }
            migrations: { locations: ["filesystem:/var/www/miq/vmdb/db/migrate", "classpath:db/muster"] }
            coordinator: { address: "global.example:7600" }
            replication:
              publication: miq
              exclude_tables: [audit_events]
              subscriptions:             # global only: one entry per remote
                - { region: 1, host: 10.0.0.1, port: 5432, user: root, dbname: vmdb_production, password_file: region1.password }
                - { region: 2, host: 10.0.0.2, user: root, dbname: vmdb_production }
            metrics: { port: 9611 }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void writePasswordFiles() throws IOException {
        Files.writeString(dir.resolve("db.password"), "db-secret\n");
        Files.writeString(dir.resolve("region1.password"), "region1-secret\n");
    }

    private AgentConfig load(String yaml) {
        return AgentConfig.load(write(dir, yaml));
    }

    private void refused(String yaml, String key, String problem) {
        Path file = write(dir, yaml);
        assertConfigError(() -> AgentConfig.load(file), file, key, problem);
    }

    /** {@code yaml} without its top-level {@code key}. */
    private static String without(String yaml, String key) {
        return yaml.lines().filter(line -> !line.startsWith(key + ":")).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String replaced(String yaml, String written, String instead) {
        assertThat(yaml).contains(written);
        return yaml.replace(written, instead);
    }

    @Test
    void readsTheDocumentedRemoteExample() {
        AgentConfig config = load(REMOTE);

        assertThat(config.file()).isEqualTo(dir.resolve("agent.yaml"));
        assertThat(config.region()).isEqualTo(1);
        assertThat(config.role()).isEqualTo(RegionRole.REMOTE);
        assertThat(config.database())
                .isEqualTo(new DatabaseConfig(
                        "jdbc:postgresql://127.0.0.1:5432/vmdb_production",
                        "root",
                        Optional.of(dir.resolve("db.password"))));
        assertThat(config.database().password().orElseThrow().reveal()).isEqualTo("db-secret");
        assertThat(config.migrationLocations()).containsExactly("filesystem:/var/www/miq/vmdb/db/migrate");
        assertThat(config.coordinator())
                .isEqualTo(new CoordinatorConfig(
                        new HostPort("global.example", 7600), Duration.ofSeconds(15), Optional.empty()));
        assertThat(config.coordinator().reportInterval()).isEqualTo(CoordinatorConfig.DEFAULT_REPORT_INTERVAL);
        assertThat(config.replication()).isEqualTo(new ReplicationConfig("miq", List.of(), List.of()));
        assertThat(config.metrics()).contains(new MetricsConfig(9611));
    }

    @Test
    void readsAGlobalWithOneSubscriptionPerRemote() {
        AgentConfig config = load(GLOBAL);

        assertThat(config.region()).isEqualTo(99);
        assertThat(config.role()).isEqualTo(RegionRole.GLOBAL);
        assertThat(config.migrationLocations())
                .containsExactly("filesystem:/var/www/miq/vmdb/db/migrate", "classpath:db/muster");
        assertThat(config.replication().excludeTables()).containsExactly("audit_events");
        assertThat(config.replication().subscriptions())
                .containsExactly(
                        new SubscriptionConfig(
                                1,
                                "10.0.0.1",
                                5432,
                                "root",
                                "vmdb_production",
                                Optional.of(dir.resolve("region1.password"))),
                        new SubscriptionConfig(2, "10.0.0.2", 5432, "root", "vmdb_production", Optional.empty()));
    }

    @Test
    void replicationAndMetricsMayBeLeftOut() {
        AgentConfig config = load(
                without(replaced(REMOTE, "replication:\n  publication: miq\n  exclude_tables: []\n", ""), "metrics"));

        assertThat(config.replication()).isEqualTo(ReplicationConfig.defaults());
        assertThat(config.replication().publication())
                .isEqualTo("miq")
                .isEqualTo(ReplicationConfig.DEFAULT_PUBLICATION);
        assertThat(config.metrics()).isEmpty();
    }

    @Test
    void thePublicationIsMiqAndASubscriptionsPortIs5432UnlessSaid() {
        AgentConfig config = load(replaced(GLOBAL, "  publication: miq\n", ""));

        assertThat(config.replication().publication()).isEqualTo("miq");
        assertThat(config.replication().subscriptions().get(1).port()).isEqualTo(5432);
    }

    @ParameterizedTest
    @MethodSource("requiredKeys")
    void everyRequiredKeyIsNamedWhenMissing(String key) {
        refused(without(REMOTE, key), key, "required key is missing");
    }

    static Stream<String> requiredKeys() {
        return Stream.of("region", "role", "database", "migrations", "coordinator");
    }

    @Test
    void requiredKeysInsideSectionsAreNamedWithTheirSection() {
        refused(
                replaced(
                        REMOTE,
                        "migrations: { locations: [\"filesystem:/var/www/miq/vmdb/db/migrate\"] }",
                        "migrations: {}"),
                "migrations.locations",
                "name at least one Flyway location");
        refused(
                replaced(REMOTE, "{ address: \"global.example:7600\" }", "{}"),
                "coordinator.address",
                "required key is missing");
        refused(
                replaced(REMOTE, "user: root, password_file", "password_file"),
                "database.user",
                "required key is missing");
        refused(
                replaced(GLOBAL, "host: 10.0.0.2, ", ""),
                "replication.subscriptions[1].host",
                "required key is missing");
    }

    @Test
    void theRoleIsRemoteOrGlobal() {
        refused(replaced(REMOTE, "role: remote", "role: leader"), "role", "must be 'remote' or 'global', not 'leader'");
    }

    @Test
    void theRegionMustHaveAnIdRange() {
        refused(replaced(REMOTE, "region: 1", "region: -1"), "region", "must be between 0 and " + RegionNumber.MAX);
        refused(replaced(REMOTE, "region: 1", "region: one"), "region", "must be a whole number, not 'one'");
    }

    @Test
    void aLocationMustSayWhereItIs() {
        refused(
                replaced(
                        REMOTE,
                        "[\"filesystem:/var/www/miq/vmdb/db/migrate\"]",
                        "[\"classpath:db\", \"/srv/migrate\"]"),
                "migrations.locations[1]",
                "must start with 'filesystem:' or 'classpath:', not '/srv/migrate'");
    }

    @Test
    void aRelativeFilesystemLocationIsTakenFromTheConfigurationFilesDirectory() {
        AgentConfig config = load(replaced(
                REMOTE,
                "[\"filesystem:/var/www/miq/vmdb/db/migrate\"]",
                "[\"filesystem:db/migrate\", \"filesystem:../shared/migrate\"]"));

        assertThat(config.migrationLocations())
                .containsExactly(
                        "filesystem:" + dir.resolve("db/migrate"),
                        "filesystem:" + dir.getParent().resolve("shared/migrate"));
    }

    @Test
    void theCoordinatorAddressNeedsAPortThatCanBeConnectedTo() {
        refused(
                replaced(REMOTE, "\"global.example:7600\"", "\"global.example\""),
                "coordinator.address",
                "'global.example' is not of the form host:port");
        refused(
                replaced(REMOTE, "\"global.example:7600\"", "\"global.example:0\""),
                "coordinator.address",
                "port 0 cannot be connected to");
        refused(
                replaced(REMOTE, "\"global.example:7600\"", "\"global.example:76000\""),
                "coordinator.address",
                "the port must be between 0 and 65535, not 76000");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reportIntervals")
    void theReportIntervalIsADuration(String written, Duration interval) {
        AgentConfig config = load(replaced(
                REMOTE,
                "{ address: \"global.example:7600\" }",
                "{ address: \"global.example:7600\", report_interval: " + written + " }"));

        assertThat(config.coordinator().reportInterval()).isEqualTo(interval);
        assertThat(config.coordinator().address()).isEqualTo(new HostPort("global.example", 7600));
    }

    static Stream<Arguments> reportIntervals() {
        return Stream.of(
                Arguments.of("15s", Duration.ofSeconds(15)),
                Arguments.of("\"500ms\"", Duration.ofMillis(500)),
                Arguments.of("2m", Duration.ofMinutes(2)),
                Arguments.of("1h", Duration.ofHours(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badReportIntervals")
    void aReportIntervalThatIsNotAPositiveDurationIsRefused(String written, String problem) {
        refused(
                replaced(
                        REMOTE,
                        "{ address: \"global.example:7600\" }",
                        "{ address: \"global.example:7600\", report_interval: " + written + " }"),
                "coordinator.report_interval",
                problem);
    }

    static Stream<Arguments> badReportIntervals() {
        return Stream.of(
                Arguments.of("0s", "must be longer than zero, not '0s'"),
                Arguments.of("0ms", "must be longer than zero, not '0ms'"),
                Arguments.of("-5s", "'-5s' is not a duration such as 500ms, 30s, 2m or 1h"),
                Arguments.of("15", "'15' is not a duration such as 500ms, 30s, 2m or 1h"),
                Arguments.of("soon", "'soon' is not a duration such as 500ms, 30s, 2m or 1h"),
                Arguments.of("1.5s", "'1.5s' is not a duration"),
                Arguments.of("\"\"", "must not be empty"),
                Arguments.of("[15s]", "must be a string, not a list"),
                Arguments.of("61m", "must be at most 1h, not '61m'"),
                Arguments.of("99999999999999999999h", "is too long a duration"));
    }

    @Test
    void aRemoteDoesNotSubscribe() {
        refused(
                replaced(GLOBAL, "region: 99\nrole: global", "region: 3\nrole: remote"),
                "replication.subscriptions",
                "only the global region subscribes; this agent's role is remote");
    }

    @Test
    void theGlobalDoesNotSubscribeToItself() {
        refused(
                replaced(GLOBAL, "region: 2, host", "region: 99, host"),
                "replication.subscriptions[1].region",
                "region 99 is this agent's own region");
    }

    @Test
    void aRegionIsSubscribedToOnce() {
        refused(
                replaced(GLOBAL, "region: 2, host", "region: 1, host"),
                "replication.subscriptions[1].region",
                "region 1 has two subscriptions");
    }

    @Test
    void aPasswordFileMustBeReadableWhenTheConfigurationIsLoaded() {
        refused(
                replaced(GLOBAL, "password_file: region1.password", "password_file: absent.password"),
                "replication.subscriptions[0].password_file",
                "cannot read " + dir.resolve("absent.password"));
        refused(
                replaced(REMOTE, "password_file: db.password", "password_file: /nonexistent/db.password"),
                "database.password_file",
                "cannot read /nonexistent/db.password");
    }

    @Test
    void tlsFilesAreTakenFromTheConfigurationsDirectoryAndMustBeReadable() throws IOException {
        for (String name : List.of("region-1.crt", "region-1.key", "ca.crt")) {
            Files.writeString(dir.resolve(name), "x");
        }
        String tls = "\"global.example:7600\", tls: { cert: region-1.crt, key: region-1.key, ca: ca.crt } }";

        AgentConfig config = load(replaced(REMOTE, "\"global.example:7600\" }", tls));

        assertThat(config.coordinator().tls())
                .contains(
                        new TlsFiles(dir.resolve("region-1.crt"), dir.resolve("region-1.key"), dir.resolve("ca.crt")));
        refused(
                replaced(REMOTE, "\"global.example:7600\" }", tls.replace("key: region-1.key", "key: absent.key")),
                "coordinator.tls.key",
                "cannot read " + dir.resolve("absent.key"));
        refused(
                replaced(REMOTE, "\"global.example:7600\" }", tls.replace("ca: ca.crt", "")),
                "coordinator.tls.ca",
                "required key is missing");
    }

    @Test
    void aSubscriptionTakesLibpqsSslModeAndRootCertificate() {
        AgentConfig config = load(replaced(
                GLOBAL,
                "dbname: vmdb_production }",
                "dbname: vmdb_production, sslmode: verify-full, sslrootcert: pg/root.crt }"));

        assertThat(config.replication().subscriptions()).last().satisfies(subscription -> {
            assertThat(subscription.sslmode()).contains("verify-full");
            assertThat(subscription.sslrootcert()).contains(dir.resolve("pg/root.crt"));
        });
        refused(
                replaced(GLOBAL, "dbname: vmdb_production }", "dbname: vmdb_production, sslmode: strict }"),
                "replication.subscriptions[1].sslmode",
                "must be one of [allow, disable, prefer, require, verify-ca, " + "verify-full], not 'strict'");
    }

    @Test
    void thePublicationIsALowerCaseIdentifier() {
        refused(
                replaced(REMOTE, "publication: miq", "publication: Miq"),
                "replication.publication",
                "must be a lower-case PostgreSQL identifier, not 'Miq'");
        refused(
                replaced(REMOTE, "publication: miq", "publication: miq-pub"),
                "replication.publication",
                "not 'miq-pub'");
        refused(
                replaced(REMOTE, "publication: miq", "publication: " + "p".repeat(64)),
                "replication.publication",
                "lower-case PostgreSQL identifier");
        assertThat(load(replaced(REMOTE, "publication: miq", "publication: " + "p".repeat(63)))
                        .replication()
                        .publication())
                .hasSize(63);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("unknownKeys")
    void anUnknownKeyIsRefusedAtEveryLevel(String written, String instead, String key) {
        refused(replaced(GLOBAL, written, instead), key, "unknown key (expected one of [");
    }

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                Arguments.of("region: 99\n", "region: 99\nregoin: 99\n", "regoin"),
                Arguments.of(
                        "user: root, password_file: db.password }",
                        "user: root, password: s3cr3t }",
                        "database.password"),
                Arguments.of(
                        "migrations: { locations:", "migrations: { baseline: 1, locations:", "migrations.baseline"),
                Arguments.of(
                        "\"global.example:7600\" }",
                        "\"global.example:7600\", insecure: true }",
                        "coordinator.insecure"),
                Arguments.of(
                        "\"global.example:7600\" }",
                        "\"global.example:7600\", tls: { cert: a, key: b, ca: c, " + "password: x } }",
                        "coordinator.tls.password"),
                Arguments.of("  publication: miq\n", "  publication: miq\n  slot: miq_slot\n", "replication.slot"),
                Arguments.of(
                        "dbname: vmdb_production }",
                        "dbname: vmdb_production, sslcert: client.crt }",
                        "replication.subscriptions[1].sslcert"),
                Arguments.of("{ port: 9611 }", "{ port: 9611, path: /metrics }", "metrics.path"));
    }
}
