package dev.muster.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.agent.migrate.LocalMigration;
import dev.muster.proto.v1.Migration;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class WireMessagesTest {

    @Test
    void anAppliedMigrationTravelsWithItsPlaceInTheHistoryAndItsRunTime() {
        LocalMigration applied = new LocalMigration(
                "20200424183342",
                "add retirement",
                OptionalInt.of(-17),
                Optional.of(Instant.parse("2024-05-01T12:00:00Z")),
                Optional.of(Duration.ofMillis(1250)),
                OptionalInt.of(12));

        Migration wire = WireMessages.applied(applied).getMigrationApplied().getMigration();

        assertThat(wire.getVersion()).isEqualTo("20200424183342");
        assertThat(wire.getChecksum()).isEqualTo(-17);
        assertThat(wire.getInstalledOn().getSeconds())
                .isEqualTo(Instant.parse("2024-05-01T12:00:00Z").getEpochSecond());
        assertThat(wire.getExecutionTime().getSeconds()).isEqualTo(1);
        assertThat(wire.getExecutionTime().getNanos()).isEqualTo(250_000_000);
        assertThat(wire.hasInstalledRank()).isTrue();
        assertThat(wire.getInstalledRank()).isEqualTo(12);
    }

    @Test
    void aMigrationNotYetAppliedSaysNoPlaceNorRunTime() {
        Migration wire =
                WireMessages.migration(new LocalMigration("1", "first", OptionalInt.empty(), Optional.empty()));

        assertThat(wire.hasInstalledRank()).isFalse();
        assertThat(wire.hasExecutionTime()).isFalse();
        assertThat(wire.hasChecksum()).isFalse();
    }
}
