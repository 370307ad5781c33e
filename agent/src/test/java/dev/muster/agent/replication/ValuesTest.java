package dev.muster.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void idRangesCoverTwelveDigitsPerRegion() {
        assertThat(IdRange.of(1)).isEqualTo(new IdRange(1, 1_000_000_000_000L, 1_999_999_999_999L));
        assertThat(IdRange.of(0)).isEqualTo(new IdRange(0, 0, 999_999_999_999L));
        assertThat(IdRange.of(99).first()).isEqualTo(99_000_000_000_000L);
        assertThatThrownBy(() -> IdRange.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionNamesCarryTheRegion() {
        assertThat(SubscriptionName.of(2)).isEqualTo("region_2_subscription");
        assertThat(SubscriptionName.region("region_2_subscription")).isEqualTo(OptionalInt.of(2));
        assertThat(SubscriptionName.region("my_subscription")).isEmpty();
    }

    @Test
    void teardownModesParseAsTheCommandLineWritesThem() {
        assertThat(TeardownMode.parse("drop")).isEqualTo(TeardownMode.DROP);
        assertThat(TeardownMode.parse("DISABLE")).isEqualTo(TeardownMode.DISABLE);
        assertThatThrownBy(() -> TeardownMode.parse("pause")).hasMessageContaining("drop or disable");
    }

    @Test
    void outcomesSayWhatHappenedToEachSubscription() {
        assertThat(new SetupOutcome(1, "region_1_subscription", SetupOutcome.Action.CREATED, 2, 1).describe())
                .isEqualTo("region_1_subscription: created; removed 1 row of region 1 from the global's copies of "
                        + "2 tables, which it copies afresh from region 1");
        assertThat(new SetupOutcome(2, "region_2_subscription", SetupOutcome.Action.REFRESHED, 1, 0).describe())
                .isEqualTo("region_2_subscription: already enabled; refreshed (1 table)");
        assertThat(new TeardownOutcome(2, "region_2_subscription", TeardownOutcome.Action.DISABLED).describe())
                .isEqualTo("region_2_subscription: disabled; its slot on region 2 keeps the changes until setup");
    }

    @Test
    void byteSizesAreReadable() {
        assertThat(ByteSize.format(0)).isEqualTo("0 B");
        assertThat(ByteSize.format(1023)).isEqualTo("1023 B");
        assertThat(ByteSize.format(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSize.format(16L * 1024 * 1024)).isEqualTo("16.0 MiB");
    }
}
