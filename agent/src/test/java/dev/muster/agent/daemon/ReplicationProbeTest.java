package dev.muster.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.proto.v1.ReplicationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplicationProbeTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final String PASSWORD = "s3cr3t-Pa55word";

    @TempDir
    Path dir;

    /** Port 1 on this machine: nothing listens there, so connecting fails at once. */
    private DatabaseConfig unreachable() throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("db.password"), PASSWORD + "\n");
        return new DatabaseConfig("jdbc:postgresql://127.0.0.1:1/vmdb_production", "root", Optional.of(passwordFile));
    }

    @ParameterizedTest
    @EnumSource(RegionRole.class)
    void aDatabaseThatCannotBeReadGivesAReportThatSaysSoWithoutThePassword(RegionRole role) throws IOException {
        ReplicationProbe probe = new ReplicationProbe(
                role,
                new ReplicationStatus(unreachable(), ReplicationConfig.defaults()),
                Clock.fixed(NOW, ZoneOffset.UTC));

        ReplicationReport report = probe.get();

        assertThat(report.getUnavailable())
                .startsWith(
                        "cannot connect to this region's database jdbc:postgresql://127.0.0.1:1/vmdb_production as root: ")
                .doesNotContain(PASSWORD);
        assertThat(report.getTakenAt())
                .isEqualTo(
                        Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()).build());
        assertThat(report.getSubscriptionsList()).isEmpty();
        assertThat(report.hasPublication()).isFalse();
        assertThat(report.getSlotsList()).isEmpty();
    }
}
