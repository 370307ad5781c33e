package dev.muster.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionStringTest {

    private static final String PASSWORD = "s3cr'et\\pw";

    @TempDir
    Path dir;

    @Test
    void revealsThePasswordOnlyOnRequest() throws Exception {
        RemoteEndpoint remote = endpoint("10.0.0.1", passwordFile());

        ConnectionString connection = remote.connectionString();

        assertThat(connection.reveal())
                .isEqualTo("host='10.0.0.1' port='5432' user='root' dbname='vmdb_production'"
                        + " connect_timeout='10' password='s3cr\\'et\\\\pw'");
        assertThat(connection.toString())
                .isEqualTo("host='10.0.0.1' port='5432' user='root' dbname='vmdb_production'"
                        + " connect_timeout='10' password=****");
        assertThat(connection.toString()).doesNotContain("s3cr");
    }

    @Test
    void leavesThePasswordOutWhenNoneIsConfigured() {
        ConnectionString connection = endpoint("10.0.0.1", Optional.empty()).connectionString();

        assertThat(connection.reveal()).isEqualTo(connection.toString()).doesNotContain("password");
    }

    @Test
    void quotesValuesForLibpq() {
        ConnectionString connection = ConnectionString.of("db host", 5433, "o'neil", "my\\db", Optional.empty());

        assertThat(connection.reveal())
                .isEqualTo("host='db host' port='5433' user='o\\'neil' dbname='my\\\\db'" + " connect_timeout='10'");
    }

    @Test
    void describesTheRemoteWithoutThePassword() throws Exception {
        RemoteEndpoint remote = endpoint("10.0.0.1", passwordFile());

        assertThat(remote.describe())
                .isEqualTo("region 1 at 10.0.0.1:5432 (database vmdb_production, user root)")
                .doesNotContain("s3cr");
        assertThat(remote.subscription()).isEqualTo("region_1_subscription");
        assertThat(remote.toString()).doesNotContain("s3cr");
    }

    @Test
    void jdbcUrlsBracketIpv6HostsAndEncodeTheDatabase() {
        assertThat(endpoint("10.0.0.1", Optional.empty()).jdbcUrl())
                .isEqualTo("jdbc:postgresql://10.0.0.1:5432/vmdb_production");
        assertThat(new RemoteEndpoint(new SubscriptionConfig(2, "::1", 5433, "root", "a db", Optional.empty()))
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5433/a+db");
    }

    @Test
    void sslSettingsReachBothTheSubscriptionAndTheAgentsOwnConnection() throws Exception {
        RemoteEndpoint remote = new RemoteEndpoint(new SubscriptionConfig(
                1,
                "10.0.0.1",
                5432,
                "root",
                "vmdb_production",
                passwordFile(),
                Optional.of("verify-full"),
                Optional.of(Path.of("/etc/pg ca/root.crt"))));

        assertThat(remote.connectionString().toString())
                .isEqualTo("host='10.0.0.1' port='5432' user='root' "
                        + "dbname='vmdb_production' connect_timeout='10' sslmode='verify-full' sslrootcert='/etc/pg ca/root.crt' "
                        + "password=****");
        assertThat(remote.jdbcUrl())
                .isEqualTo("jdbc:postgresql://10.0.0.1:5432/vmdb_production?sslmode=verify-full"
                        + "&sslrootcert=%2Fetc%2Fpg+ca%2Froot.crt");
    }

    @Test
    void anUnreadablePasswordFileIsAConfigurationError() {
        RemoteEndpoint remote = endpoint("10.0.0.1", Optional.of(dir.resolve("gone.password")));

        assertThatThrownBy(remote::connectionString)
                .isInstanceOf(MusterException.class)
                .hasMessageContaining("gone.password")
                .hasMessageContaining("region 1")
                .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(ExitCode.CONFIG));
    }

    private Optional<Path> passwordFile() throws Exception {
        return Optional.of(Files.writeString(dir.resolve("region1.password"), PASSWORD + "\n"));
    }

    private static RemoteEndpoint endpoint(String host, Optional<Path> passwordFile) {
        return new RemoteEndpoint(new SubscriptionConfig(1, host, 5432, "root", "vmdb_production", passwordFile));
    }
}
