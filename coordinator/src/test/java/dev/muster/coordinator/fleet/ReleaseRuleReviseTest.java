package dev.muster.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Revising an answer from one region's change gives what deciding it over the whole fleet gives. */
class ReleaseRuleReviseTest {

    private static final int GLOBAL = 99;
    private static final List<String> PENDING = List.of("1", "2", "3");

    @Test
    void everyRevisionIsTheDecisionOfTheFleetAsItIsNow() {
        Random random = new Random(13);
        List<Integer> members = IntStream.rangeClosed(1, 12).boxed().toList();
        Fleet fleet = Regions.fleet(members, Regions.global(GLOBAL).available("1", "2", "3"));
        Release answer = ReleaseRule.decide(fleet, GLOBAL, PENDING);
        for (int step = 0; step < 3_000; step++) {
            int region = members.get(random.nextInt(members.size()));
            fleet = fleet.with(randomState(random, region));
            Release revised = ReleaseRule.revise(fleet, GLOBAL, PENDING, answer, region);

            assertThat(revised)
                    .as("step %d, region %d", step, region)
                    .isEqualTo(ReleaseRule.decide(fleet, GLOBAL, PENDING));
            answer = revised;
        }
    }

    @Test
    void aRegionThatIsNoMemberChangesNothing() {
        Fleet fleet = Regions.fleet(List.of(1, 2), Regions.global(GLOBAL).available("1"), Regions.remote(1));
        Release answer = ReleaseRule.decide(fleet, GLOBAL, List.of("1"));
        fleet = fleet.with(Regions.remote(7).applied("1").build());

        assertThat(ReleaseRule.revise(fleet, GLOBAL, List.of("1"), answer, 7)).isEqualTo(answer);
    }

    private static RegionState randomState(Random random, int region) {
        Regions.Builder state = Regions.remote(region).available("1", "2", "3");
        int applied = random.nextInt(4);
        for (int version = 1; version <= applied; version++) {
            state.applied(String.valueOf(version));
        }
        if (random.nextInt(40) == 0) {
            state.applied(Migration.of("1", "changed", 5));
        }
        if (random.nextInt(5) == 0) {
            state.disconnected();
        }
        return state.build();
    }
}
