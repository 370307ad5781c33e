package dev.muster.coordinator.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a region's agent last reported about logical replication on its server: the
 * global's subscriptions, or a remote's publication and the slots held on it.
 *
 * @param unavailable why the agent could not read its server, if it could not
 */
public record ReplicationHealth(
        Instant takenAt,
        List<Subscription> subscriptions,
        Optional<Publication> publication,
        List<Slot> slots,
        Optional<String> unavailable) {

    public ReplicationHealth {
        subscriptions = List.copyOf(subscriptions);
        slots = List.copyOf(slots);
    }

    /**
     * @param region       the remote region it subscribes to, if its name says
     * @param applyErrors  errors while applying changes (PostgreSQL 15+), cumulative
     * @param outage       why it is down, as its agent can tell, while it is
     */
    public record Subscription(
            String name,
            OptionalInt region,
            boolean configured,
            boolean exists,
            boolean enabled,
            boolean workerRunning,
            Optional<String> receivedLsn,
            Optional<String> latestEndLsn,
            Optional<Instant> lastMessage,
            OptionalLong applyErrors,
            long tablesNotReady,
            Optional<String> outage) {}

    public record Publication(
            String name, boolean exists, int tables, List<String> notYetPublished, List<String> publishedButNotWanted) {

        public Publication {
            notYetPublished = List.copyOf(notYetPublished);
            publishedButNotWanted = List.copyOf(publishedButNotWanted);
        }
    }

    /**
     * @param walStatus reserved, extended, unreserved or lost (PostgreSQL 13+)
     * @param lagBytes  WAL its subscriber has not confirmed; empty for a physical slot
     * @param lag       how far its subscriber's apply is behind; empty while nobody streams from it
     */
    public record Slot(
            String name,
            boolean active,
            OptionalLong retainedBytes,
            Optional<String> walStatus,
            OptionalLong safeWalSize,
            OptionalLong lagBytes,
            Optional<Duration> lag) {}

    /** What an operator should look at, in words; empty when replication is healthy. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        unavailable.ifPresent(reason -> problems.add("its replication state cannot be read: " + reason));
        for (Subscription subscription : subscriptions) {
            if (!subscription.exists()) {
                problems.add("subscription " + subscription.name() + " does not exist");
            } else if (!subscription.enabled()) {
                problems.add("subscription " + subscription.name() + " is disabled" + because(subscription));
            } else if (!subscription.workerRunning()) {
                problems.add(
                        "subscription " + subscription.name() + " has no apply worker running" + because(subscription));
            }
        }
        publication.ifPresent(publication -> {
            if (!publication.exists()) {
                problems.add("publication " + publication.name() + " does not exist");
            } else if (!publication.notYetPublished().isEmpty()) {
                problems.add("publication " + publication.name() + " lacks " + publication.notYetPublished());
            }
        });
        for (Slot slot : slots) {
            slot.walStatus()
                    .filter(status -> status.equals("lost") || status.equals("unreserved"))
                    .ifPresent(status -> problems.add("slot " + slot.name()
                            + (status.equals("lost")
                                    ? " is lost: the WAL it needed was removed, so its subscription must be copied afresh"
                                    : " is about to be lost: it retains more WAL than max_slot_wal_keep_size allows")));
        }
        return List.copyOf(problems);
    }

    private static String because(Subscription subscription) {
        return subscription.outage().map(why -> ": " + why).orElse("");
    }

    public boolean healthy() {
        return problems().isEmpty();
    }
}
