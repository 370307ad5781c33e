package dev.muster.agent.link;

import dev.muster.agent.replication.PublicationPlan;
import dev.muster.agent.replication.RemoteStatus;
import dev.muster.agent.replication.SlotStatus;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.agent.replication.TableName;
import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What {@link dev.muster.agent.replication.ReplicationStatus} reads, in wire form. */
public final class ReplicationReports {

    private ReplicationReports() {}

    /** The global's report: each of its subscriptions. */
    public static ReplicationReport global(List<SubscriptionStatus> subscriptions, Instant takenAt) {
        return global(subscriptions, Map.of(), takenAt);
    }

    /** The global's report: each of its subscriptions, and why those in {@code outages} are down. */
    public static ReplicationReport global(
            List<SubscriptionStatus> subscriptions, Map<String, String> outages, Instant takenAt) {
        ReplicationReport.Builder report = ReplicationReport.newBuilder().setTakenAt(WireMessages.timestamp(takenAt));
        subscriptions.forEach(subscription -> report.addSubscriptions(
                subscription(subscription).toBuilder().setOutage(outages.getOrDefault(subscription.name(), ""))));
        return report.build();
    }

    /** A remote's report: its publication and the slots subscribers hold on its server. */
    public static ReplicationReport remote(RemoteStatus status, Instant takenAt) {
        ReplicationReport.Builder report = ReplicationReport.newBuilder()
                .setTakenAt(WireMessages.timestamp(takenAt))
                .setPublication(publication(status.publication()));
        status.slots().forEach(slot -> report.addSlots(slot(slot)));
        return report.build();
    }

    /** The server could not be read; {@code error} says why (muster's messages never carry a password). */
    public static ReplicationReport unavailable(String error, Instant takenAt) {
        return ReplicationReport.newBuilder()
                .setTakenAt(WireMessages.timestamp(takenAt))
                .setUnavailable(error)
                .build();
    }

    static SubscriptionHealth subscription(SubscriptionStatus status) {
        SubscriptionHealth.Builder health = SubscriptionHealth.newBuilder()
                .setName(status.name())
                .setRegion(status.region().orElse(0))
                .setConfigured(status.configured())
                .setExists(status.exists())
                .setEnabled(status.enabled())
                .setWorkerRunning(status.workerPid().isPresent())
                .setReceivedLsn(status.receivedLsn().orElse(""))
                .setLatestEndLsn(status.latestEndLsn().orElse(""))
                .setTablesNotReady(status.tablesNotReady());
        status.lastMessage().ifPresent(time -> health.setLastMessage(WireMessages.timestamp(time)));
        status.applyErrors().ifPresent(health::setApplyErrors);
        return health.build();
    }

    static PublicationHealth publication(PublicationPlan plan) {
        return PublicationHealth.newBuilder()
                .setName(plan.publication())
                .setExists(plan.exists())
                .setTables(plan.current().size())
                .addAllNotYetPublished(names(plan.added()))
                .addAllPublishedButNotWanted(names(plan.removed()))
                .build();
    }

    static SlotHealth slot(SlotStatus status) {
        SlotHealth.Builder health = SlotHealth.newBuilder()
                .setName(status.name())
                .setActive(status.active())
                .setWalStatus(status.walStatus().orElse(""));
        status.retainedBytes().ifPresent(health::setRetainedBytes);
        status.safeWalSize().ifPresent(health::setSafeWalSize);
        status.lagBytes().ifPresent(health::setLagBytes);
        status.lag().ifPresent(lag -> health.setLag(WireMessages.duration(lag)));
        return health.build();
    }

    private static List<String> names(List<TableName> tables) {
        return tables.stream().map(TableName::toString).toList();
    }
}
