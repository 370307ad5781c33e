package dev.muster.agent.daemon;

import dev.muster.agent.config.RegionRole;
import dev.muster.agent.link.ReplicationReports;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.common.MusterException;
import dev.muster.proto.v1.ReplicationReport;
import java.time.Clock;
import java.time.Instant;
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
    private final Clock clock;

    ReplicationProbe(RegionRole role, ReplicationStatus status, Clock clock) {
        this.role = role;
        this.status = status;
        this.clock = clock;
    }

    @Override
    public ReplicationReport get() {
        Instant takenAt = clock.instant();
        try {
            return role == RegionRole.GLOBAL
                    ? ReplicationReports.global(status.subscriptions(), takenAt)
                    : ReplicationReports.remote(status.remote(), takenAt);
        } catch (MusterException e) {
            log.debug("Cannot read the replication state", e);
            return ReplicationReports.unavailable(e.getMessage(), takenAt);
        } catch (RuntimeException e) {
            log.warn("Unexpected failure while reading the replication state", e);
            return ReplicationReports.unavailable("unexpected failure: " + e, takenAt);
        }
    }
}
