package dev.muster.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReplicationHealthTest {

    private static final Instant TAKEN = Instant.parse("2024-04-24T18:33:42Z");

    private static ReplicationHealth.Subscription subscription(boolean exists, boolean enabled, boolean worker) {
        return new ReplicationHealth.Subscription(
                "region_1_subscription",
                OptionalInt.of(1),
                true,
                exists,
                enabled,
                worker,
                Optional.of("0/3000060"),
                Optional.of("0/3000060"),
                Optional.of(TAKEN),
                OptionalLong.of(0),
                0,
                Optional.empty());
    }

    private static ReplicationHealth global(ReplicationHealth.Subscription... subscriptions) {
        return new ReplicationHealth(TAKEN, List.of(subscriptions), Optional.empty(), List.of(), Optional.empty());
    }

    private static ReplicationHealth remote(
            ReplicationHealth.Publication publication, ReplicationHealth.Slot... slots) {
        return new ReplicationHealth(TAKEN, List.of(), Optional.of(publication), List.of(slots), Optional.empty());
    }

    private static ReplicationHealth.Slot slot(String walStatus) {
        return new ReplicationHealth.Slot(
                "region_1_subscription",
                true,
                OptionalLong.of(4096),
                Optional.of(walStatus),
                OptionalLong.empty(),
                OptionalLong.of(0),
                Optional.empty());
    }

    private static final ReplicationHealth.Publication IN_STEP =
            new ReplicationHealth.Publication("miq", true, 3, List.of(), List.of());

    @Test
    void aRunningSubscriptionAndAPublicationInStepAreHealthy() {
        assertThat(global(subscription(true, true, true)).problems()).isEmpty();
        assertThat(remote(IN_STEP, slot("reserved"), slot("extended")).healthy())
                .isTrue();
    }

    @Test
    void eachBrokenSubscriptionIsNamedWithWhatIsWrong() {
        ReplicationHealth health = global(
                subscription(false, false, false), subscription(true, false, false), subscription(true, true, false));

        assertThat(health.problems())
                .containsExactly(
                        "subscription region_1_subscription does not exist",
                        "subscription region_1_subscription is disabled",
                        "subscription region_1_subscription has no apply worker running");
    }

    @Test
    void aStoppedSubscriptionSaysWhyWhenItsAgentCouldTell() {
        String why = "region 1 publishes columns public.vms.retires_on, which the global lacks";
        ReplicationHealth.Subscription disabled = subscription(true, false, false);
        ReplicationHealth.Subscription explained = new ReplicationHealth.Subscription(
                disabled.name(),
                disabled.region(),
                true,
                true,
                false,
                false,
                disabled.receivedLsn(),
                disabled.latestEndLsn(),
                disabled.lastMessage(),
                disabled.applyErrors(),
                0,
                Optional.of(why));

        assertThat(global(explained).problems())
                .containsExactly("subscription region_1_subscription is disabled: " + why);
    }

    @Test
    void aPublicationThatIsMissingOrLacksTablesIsAProblem() {
        assertThat(remote(new ReplicationHealth.Publication("miq", false, 0, List.of(), List.of()))
                        .problems())
                .containsExactly("publication miq does not exist");
        assertThat(remote(new ReplicationHealth.Publication("miq", true, 2, List.of("public.vms"), List.of()))
                        .problems())
                .containsExactly("publication miq lacks [public.vms]");
    }

    @Test
    void aSlotThatIsLostOrAboutToBeIsAProblem() {
        assertThat(remote(IN_STEP, slot("lost")).problems())
                .singleElement()
                .asString()
                .contains("slot region_1_subscription is lost")
                .contains("copied afresh");
        assertThat(remote(IN_STEP, slot("unreserved")).problems())
                .singleElement()
                .asString()
                .contains("is about to be lost")
                .contains("max_slot_wal_keep_size");
    }

    @Test
    void anUnreadableServerIsAProblem() {
        ReplicationHealth health =
                new ReplicationHealth(TAKEN, List.of(), Optional.empty(), List.of(), Optional.of("connection refused"));

        assertThat(health.problems()).containsExactly("its replication state cannot be read: connection refused");
    }
}
