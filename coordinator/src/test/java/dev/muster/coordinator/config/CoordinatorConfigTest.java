package dev.muster.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.muster.common.ExitCode;
import dev.muster.common.config.ConfigException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.net.HostPort;
import dev.muster.common.region.RegionNumber;
import dev.muster.common.tls.TestPki;
import dev.muster.coordinator.access.OperatorRole;
import dev.muster.coordinator.access.TransportSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorConfigTest {

    /** Without tls, a coordinator may serve only a loopback address. */
    private static final String LOOPBACK = "listen: '127.0.0.1:7600'\n";

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("coordinator.yaml"), yaml);
    }

    private CoordinatorConfig load(String yaml) throws IOException {
        return CoordinatorConfig.load(write(yaml));
    }

    /** Loads {@code yaml}, expecting an error about {@code key} whose message contains {@code problem}. */
    private ConfigException refused(String yaml, String key, String problem) throws IOException {
        Path file = write(yaml);
        ConfigException error = catchThrowableOfType(ConfigException.class, () -> CoordinatorConfig.load(file));
        assertThat(error).as("a configuration error about %s", key).isNotNull();
        assertThat(error.key()).isEqualTo(key);
        assertThat(error.exitCode()).isEqualTo(ExitCode.CONFIG);
        assertThat(error.getMessage()).startsWith(file + ": " + key + ": ").contains(problem);
        return error;
    }

    @Test
    void theSmallestConfigurationNamesTheRegionsAndListensOnTheDefaultWithTls() throws IOException {
        TestPki pki = TestPki.create(dir.resolve("tls"));
        pki.coordinator();
        CoordinatorConfig config = load("regions: [1, 2]\nglobal_region: 99\n"
                + "tls: { cert: tls/coordinator.crt, key: tls/coordinator.key, ca: tls/ca.crt }\n");

        assertThat(config.regions()).containsExactly(1, 2);
        assertThat(config.listen())
                .isEqualTo(new HostPort("0.0.0.0", 7600))
                .isEqualTo(CoordinatorConfig.DEFAULT_LISTEN);
        assertThat(config.security().mode()).isEqualTo(TransportSecurity.Mode.MUTUAL_TLS);
        assertThat(config.security().trustDomain()).isEqualTo("muster");
        assertThat(config.security().tls()).hasValueSatisfying(tls -> {
            assertThat(tls.cert()).isEqualTo(dir.resolve("tls/coordinator.crt"));
            assertThat(tls.ca()).isEqualTo(dir.resolve("tls/ca.crt"));
        });
        assertThat(config.security().operators().isEmpty()).isTrue();
        assertThat(config.security().globalRegion()).hasValue(99);
        assertThat(config.database()).isEmpty();
        assertThat(config.metrics()).isEmpty();
    }

    @Test
    void readsTheWholeDocumentedExample() throws IOException {
        Files.writeString(dir.resolve("db.password"), "pw\n");

        CoordinatorConfig config = load("""
                listen: "127.0.0.1:7601"
                database: { url: "jdbc:postgresql://127.0.0.1:5432/vmdb_production", user: root, password_file: db.password }
                regions: [1, 2]              # member remotes
                metrics: { port: 9610 }
                """);

        assertThat(config.listen()).isEqualTo(new HostPort("127.0.0.1", 7601));
        assertThat(config.regions()).containsExactly(1, 2);
        assertThat(config.metrics()).contains(new MetricsConfig(9610));
        DatabaseConfig database = config.database().orElseThrow();
        assertThat(database.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/vmdb_production");
        assertThat(database.user()).isEqualTo("root");
        assertThat(database.passwordFile())
                .as("relative to the configuration file")
                .contains(dir.resolve("db.password"));
        assertThat(database.password().orElseThrow().reveal()).isEqualTo("pw");
    }

    @Test
    void anEmptyListOfRegionsIsAllowed() throws IOException {
        assertThat(load(LOOPBACK + "regions: []\n").regions()).isEmpty();
    }

    @Test
    void theRegionsAreRequired() throws IOException {
        refused("listen: 0.0.0.0:7600\n", "regions", "required key is missing");
        refused("regions:\n", "regions", "required key is missing");
    }

    @Test
    void aRegionListedTwiceIsRefused() throws IOException {
        refused("regions: [1, 2, 1]\n", "regions", "region 1 is listed twice");
    }

    @Test
    void aRegionOutsideTheIdRangesIsNamedByIndex() throws IOException {
        int tooLarge = RegionNumber.MAX + 1;
        refused("regions: [1, -1]\n", "regions[1]", "must be between 0 and " + RegionNumber.MAX + ", not -1");
        refused("regions: [1, " + tooLarge + "]\n", "regions[1]", "not " + tooLarge);
        assertThat(load(LOOPBACK + "regions: [0, " + RegionNumber.MAX + "]\n").regions())
                .containsExactly(0, RegionNumber.MAX);
        refused("regions: [one]\n", "regions[0]", "must be a whole number");
    }

    @Test
    void regionsMustBeAList() throws IOException {
        refused("regions: 1\n", "regions", "must be a list, not 1");
    }

    @Test
    void aBadListenAddressNamesTheKey() throws IOException {
        refused("listen: 7600\nregions: []\n", "listen", "is not of the form host:port");
        refused("listen: 'localhost:99999'\nregions: []\n", "listen", "between 0 and 65535");
        refused("listen: ''\nregions: []\n", "listen", "must not be empty");
    }

    @Test
    void anIpv6ListenAddressIsAccepted() throws IOException {
        assertThat(load("listen: '[::1]:7600'\nregions: []\n").listen()).isEqualTo(new HostPort("::1", 7600));
        assertThat(load("listen: '[::]:7600'\nregions: []\ninsecure: true\n").listen())
                .isEqualTo(new HostPort("::", 7600));
    }

    @Test
    void unknownKeysAreRefused() throws IOException {
        refused(
                "regions: [1]\nregion: 99\n",
                "region",
                "unknown key (expected one of [database, global_region, insecure, listen, metrics, operators, regions, tls, trust_domain])");
    }

    @Test
    void theDatabaseSectionIsValidated() throws IOException {
        refused(
                "regions: []\ndatabase: { url: 'mysql://h/db', user: root }\n",
                "database.url",
                "must be a PostgreSQL JDBC URL");
        refused(
                "regions: []\ndatabase: { url: 'jdbc:postgresql://h/db' }\n",
                "database.user",
                "required key is missing");
        refused(
                "regions: []\ndatabase: { url: 'jdbc:postgresql://h/db', user: u, password: x }\n",
                "database.password",
                "unknown key");
        refused(
                "regions: []\ndatabase: { url: 'jdbc:postgresql://h/db', user: u, password_file: absent }\n",
                "database.password_file",
                "cannot read " + dir.resolve("absent"));
    }

    @Test
    void theMetricsPortIsChecked() throws IOException {
        refused("regions: []\nmetrics: { port: 0 }\n", "metrics.port", "must be between 1 and 65535, not 0");
    }

    @Test
    void aPasswordNeverAppearsInTheConfigurationsText() throws IOException {
        Files.writeString(dir.resolve("db.password"), "s3cr3t");

        CoordinatorConfig config = load(LOOPBACK
                + "regions: []\ndatabase: { url: 'jdbc:postgresql://h/db', user: u, password_file: db.password }\n");

        assertThat(config.toString()).doesNotContain("s3cr3t");
        assertThat(config.database().orElseThrow().password().orElseThrow().toString())
                .isEqualTo("****");
    }

    @Test
    void withoutTlsANetworkAddressIsRefusedAndSaysHowToConfigureTls() throws IOException {
        refused("regions: []\n", "tls", "required to listen on 0.0.0.0:7600, which is not a loopback address");
        refused("listen: '10.1.2.3:7600'\nregions: []\n", "tls", "muster certs init");
    }

    @Test
    void withoutTlsALoopbackAddressServesPlaintextAndInsecureAnyOther() throws IOException {
        assertThat(load(LOOPBACK + "regions: []\n").security().mode())
                .isEqualTo(TransportSecurity.Mode.PLAINTEXT_LOOPBACK);
        assertThat(load("listen: 'localhost:7600'\nregions: []\n").security().mode())
                .isEqualTo(TransportSecurity.Mode.PLAINTEXT_LOOPBACK);
        assertThat(load("regions: []\ninsecure: true\n").security().mode()).isEqualTo(TransportSecurity.Mode.INSECURE);
        refused("regions: []\ninsecure: yes please\n", "insecure", "must be true or false");
    }

    @Test
    void operatorsAndTheirRolesAreReadWithTls() throws IOException {
        TestPki pki = TestPki.create(dir.resolve("tls"));
        pki.coordinator();
        String tls =
                "tls: { cert: tls/coordinator.crt, key: tls/coordinator.key, ca: tls/ca.crt }\nglobal_region: 99\n";

        CoordinatorConfig config = load("regions: []\n" + tls + "trust_domain: example.org\n"
                + "operators: { admin: [alice], viewer: [bob, alice] }\n");

        assertThat(config.security().trustDomain()).isEqualTo("example.org");
        assertThat(config.security().operators().roleOf("alice")).contains(OperatorRole.ADMIN);
        assertThat(config.security().operators().roleOf("bob")).contains(OperatorRole.VIEWER);
        assertThat(config.security().operators().roleOf("carol")).isEmpty();
        refused(
                "regions: []\n" + tls + "operators: { admin: ['alice smith'] }\n",
                "operators.admin[0]",
                "is not an operator name");
        refused("regions: []\n" + tls + "operators: { root: [alice] }\n", "operators.root", "unknown key");
        refused("regions: []\n" + tls + "trust_domain: 'Muster!'\n", "trust_domain", "is not a trust domain");
        refused("regions: []\n" + tls + "insecure: true\n", "insecure", "contradicts tls");
        refused(
                "regions: []\ntls: { cert: absent.crt, key: tls/coordinator.key, ca: tls/ca.crt }\n",
                "tls.cert",
                "cannot read");
        refused(LOOPBACK + "regions: []\noperators: { admin: [alice] }\n", "operators", "needs tls");
        refused("regions: [1, 99]\n" + tls, "global_region", "region 99 is listed in regions");
        refused(
                "regions: []\ntls: { cert: tls/coordinator.crt, key: tls/coordinator.key, ca: tls/ca.crt }\n",
                "global_region",
                "required with tls");
    }
}
