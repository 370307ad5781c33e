package dev.muster.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class RegionTableTest {

    @Test
    void holdsWhatAMapWouldInAscendingOrder() {
        TreeMap<Integer, RegionState> expected = new TreeMap<>();
        RegionTable table = RegionTable.EMPTY;
        for (int i = 0; i < 2_000; i++) {
            int region = i % 3 == 0 ? ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE) : i * 37;
            RegionState state = Regions.remote(region).build();
            expected.put(region, state);
            table = table.with(region, state);
        }
        for (int region : List.copyOf(expected.keySet()).subList(0, 500)) {
            expected.remove(region);
            table = table.without(region);
        }

        assertThat(table).isEqualTo(expected);
        assertThat(table.size()).isEqualTo(expected.size());
        assertThat(new ArrayList<>(table.keySet())).containsExactlyElementsOf(expected.keySet());
        assertThat(table.get(-1)).isNull();
        assertThat(table.without(-5)).isSameAs(table);
    }

    @Test
    void aChangeLeavesTheTableBeforeAsItWasAndTheirDifferenceIsWhatChanged() {
        RegionTable before = RegionTable.of(Map.of(
                1, Regions.remote(1).build(),
                40, Regions.remote(40).build(),
                99, Regions.global(99).build()));
        RegionState changed = Regions.remote(40).applied("1").build();
        RegionTable after =
                before.with(40, changed).with(7, Regions.remote(7).build()).without(1);

        List<String> changes = new ArrayList<>();
        RegionTable.changes(
                before,
                after,
                (was, is) -> changes.add(
                        (was == null ? "-" : String.valueOf(was.region())) + ">" + (is == null ? "-" : is.region())));

        assertThat(changes).containsExactly("1>-", "->7", "40>40");
        assertThat(before.keySet()).containsExactly(1, 40, 99);
        assertThat(after.keySet()).containsExactly(7, 40, 99);
        assertThat(after.get(99)).isSameAs(before.get(99));
    }

    @Test
    void regionsWithTheSameHistoryShareOneCopyOfIt() {
        RegionState one = Regions.remote(1).applied("1", "2").build();
        RegionState two = Regions.remote(2).applied("1", "2").build();
        RegionState reordered = Regions.remote(3).applied("2", "1").build();

        assertThat(two.applied()).isSameAs(one.applied());
        assertThat(reordered.applied()).isEqualTo(one.applied()).isNotSameAs(one.applied());
        assertThat(one.seenAt(Regions.SINCE).applied()).isSameAs(one.applied());
    }
}
