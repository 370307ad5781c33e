package dev.muster.coordinator.grpc;

import com.google.protobuf.Timestamp;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.ForcedRelease;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.UpgradePlan;
import dev.muster.coordinator.fleet.Waiting;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.ForcedReleaseState;
import dev.muster.proto.v1.PauseState;
import dev.muster.proto.v1.Plan;
import dev.muster.proto.v1.PlanStep;
import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.RegionStatus;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import dev.muster.proto.v1.WaitState;
import java.time.Instant;
import java.util.SortedSet;
import java.util.TreeSet;

/** The operators' view of the fleet model in wire form; nothing else. */
final class AdminMapping {

    private AdminMapping() {}

    static FleetStatus status(Fleet fleet, String coordinatorVersion, TransportSecurity security, boolean durable) {
        FleetStatus.Builder status = FleetStatus.newBuilder()
                .setCoordinatorVersion(coordinatorVersion)
                .addAllMemberRegions(fleet.members())
                .setDurable(durable)
                .setSecurity(
                        switch (security.mode()) {
                            case MUTUAL_TLS -> dev.muster.proto.v1.TransportSecurity.MUTUAL_TLS;
                            case PLAINTEXT_LOOPBACK -> dev.muster.proto.v1.TransportSecurity.PLAINTEXT_LOOPBACK;
                            case INSECURE -> dev.muster.proto.v1.TransportSecurity.INSECURE;
                        });
        if (security.authenticates()) {
            status.setTrustDomain(security.trustDomain());
        }
        fleet.pause()
                .ifPresent(pause -> status.setPause(PauseState.newBuilder()
                        .setReason(pause.reason())
                        .setBy(pause.by())
                        .setAt(timestamp(pause.at()))));
        for (ForcedRelease forced : fleet.forced().values()) {
            status.addForcedReleases(ForcedReleaseState.newBuilder()
                    .setVersion(forced.version())
                    .setReason(forced.reason())
                    .setBy(forced.by())
                    .setAt(timestamp(forced.at())));
        }
        SortedSet<Integer> regions = new TreeSet<>(fleet.members());
        regions.addAll(fleet.regions().keySet());
        for (int region : regions) {
            status.addRegions(fleet.region(region)
                    .map(state -> region(state, fleet.isMember(region)))
                    .orElseGet(() -> RegionStatus.newBuilder()
                            .setRegion(region)
                            .setRole(dev.muster.proto.v1.Role.REMOTE)
                            .setMember(true)
                            .setKnown(false)
                            .build()));
        }
        return status.build();
    }

    private static RegionStatus region(RegionState state, boolean member) {
        RegionStatus.Builder region = RegionStatus.newBuilder()
                .setRegion(state.region())
                .setRole(role(state.role()))
                .setMember(member)
                .setKnown(true)
                .setSessions(state.connections().size())
                .setAppliedVersion(
                        state.applied().keySet().stream().reduce((a, b) -> b).orElse(""))
                .setPending((int) state.available().keySet().stream()
                        .filter(version -> !state.applied().containsKey(version))
                        .count())
                .setNewestAvailable(state.newestAvailable().orElse(""));
        state.lastSeen().ifPresent(at -> region.setLastSeen(timestamp(at)));
        state.waiting().ifPresent(waiting -> region.setWaiting(waiting(waiting)));
        state.replication()
                .ifPresent(health ->
                        region.setReplication(replication(health)).addAllReplicationProblems(health.problems()));
        return region.build();
    }

    private static WaitState waiting(Waiting waiting) {
        return WaitState.newBuilder()
                .setVersion(waiting.version())
                .addAllRegions(waiting.regions())
                .setHeld(waiting.held().orElse(""))
                .setSince(timestamp(waiting.since()))
                .build();
    }

    static ReplicationReport replication(ReplicationHealth health) {
        ReplicationReport.Builder report = ReplicationReport.newBuilder()
                .setTakenAt(timestamp(health.takenAt()))
                .setUnavailable(health.unavailable().orElse(""));
        for (ReplicationHealth.Subscription subscription : health.subscriptions()) {
            SubscriptionHealth.Builder wire = SubscriptionHealth.newBuilder()
                    .setName(subscription.name())
                    .setRegion(subscription.region().orElse(0))
                    .setConfigured(subscription.configured())
                    .setExists(subscription.exists())
                    .setEnabled(subscription.enabled())
                    .setWorkerRunning(subscription.workerRunning())
                    .setReceivedLsn(subscription.receivedLsn().orElse(""))
                    .setLatestEndLsn(subscription.latestEndLsn().orElse(""))
                    .setTablesNotReady(subscription.tablesNotReady());
            subscription.lastMessage().ifPresent(at -> wire.setLastMessage(timestamp(at)));
            subscription.applyErrors().ifPresent(wire::setApplyErrors);
            report.addSubscriptions(wire);
        }
        health.publication()
                .ifPresent(publication -> report.setPublication(PublicationHealth.newBuilder()
                        .setName(publication.name())
                        .setExists(publication.exists())
                        .setTables(publication.tables())
                        .addAllNotYetPublished(publication.notYetPublished())
                        .addAllPublishedButNotWanted(publication.publishedButNotWanted())));
        for (ReplicationHealth.Slot slot : health.slots()) {
            SlotHealth.Builder wire = SlotHealth.newBuilder()
                    .setName(slot.name())
                    .setActive(slot.active())
                    .setWalStatus(slot.walStatus().orElse(""));
            slot.retainedBytes().ifPresent(wire::setRetainedBytes);
            slot.safeWalSize().ifPresent(wire::setSafeWalSize);
            report.addSlots(wire);
        }
        return report.build();
    }

    static Plan plan(UpgradePlan plan) {
        Plan.Builder wire = Plan.newBuilder().setTargetVersion(plan.target()).addAllBlockers(plan.blockers());
        for (UpgradePlan.Step step : plan.steps()) {
            wire.addSteps(PlanStep.newBuilder()
                    .setRegion(step.region())
                    .setRole(role(step.role()))
                    .addAllVersions(step.versions())
                    .addAllBlockers(step.blockers()));
        }
        return wire.build();
    }

    static dev.muster.proto.v1.FleetEvent event(FleetEvent event) {
        dev.muster.proto.v1.FleetEvent.Builder wire = dev.muster.proto.v1.FleetEvent.newBuilder()
                .setAt(timestamp(event.at()))
                .setKind(event.kind().name())
                .setActor(event.actor())
                .setDetail(event.detail());
        event.region().ifPresent(wire::setRegion);
        return wire.build();
    }

    private static dev.muster.proto.v1.Role role(Role role) {
        return role == Role.GLOBAL ? dev.muster.proto.v1.Role.GLOBAL : dev.muster.proto.v1.Role.REMOTE;
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
