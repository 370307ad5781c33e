package dev.muster.agent.daemon;

import dev.muster.agent.config.RegionRole;
import dev.muster.agent.link.ReplicationReports;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionOutages;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.common.MusterException;
import dev.muster.proto.v1.ReplicationReport;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This region's replication health for a report: the subscriptions on the global, the
 * publication and its slots on a remote. Never throws: when the server cannot be read, the
 * report says why, so the coordinator learns that rather than nothing.
 */
final class ReplicationProbe implements Supplier<ReplicationReport> {

    private static final Logger log = LoggerFactory.getLogger(ReplicationProbe.class);

    private final RegionRole role;
    private final ReplicationStatus status;
    private final Optional<Outages> outages;
    private final Clock clock;

    /** Why the global's subscriptions are down: the diagnosis, and the global's pending migrations for it. */
    record Outages(SubscriptionOutages diagnosis, Supplier<List<String>> pendingMigrations) {}

    ReplicationProbe(RegionRole role, ReplicationStatus status, Clock clock) {
        this(role, status, Optional.empty(), clock);
    }

    ReplicationProbe(RegionRole role, ReplicationStatus status, Optional<Outages> outages, Clock clock) {
        this.role = role;
        this.status = status;
        this.outages = outages;
        this.clock = clock;
    }

    /** The report goes out without the diagnosis if that cannot be made. */
    private Map<String, String> diagnose(List<SubscriptionStatus> subscriptions) {
        if (outages.isEmpty() || subscriptions.stream().noneMatch(SubscriptionOutages::down)) {
            return Map.of();
        }
        try {
            return outages.get()
                    .diagnosis()
                    .diagnose(subscriptions, outages.get().pendingMigrations().get());
        } catch (RuntimeException e) {
            log.debug("Cannot tell why a subscription is down", e);
            return Map.of();
        }
    }

    @Override
    public ReplicationReport get() {
        Instant takenAt = clock.instant();
        try {
            if (role == RegionRole.GLOBAL) {
                List<SubscriptionStatus> subscriptions = status.subscriptions();
                return ReplicationReports.global(subscriptions, diagnose(subscriptions), takenAt);
            }
            return ReplicationReports.remote(status.remote(), takenAt);
        } catch (MusterException e) {
            log.debug("Cannot read the replication state", e);
            return ReplicationReports.unavailable(e.getMessage(), takenAt);
        } catch (RuntimeException e) {
            log.warn("Unexpected failure while reading the replication state", e);
            return ReplicationReports.unavailable("unexpected failure: " + e, takenAt);
        }
    }
}
