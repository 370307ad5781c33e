package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent reports of its region besides the migrations it applied: a migration that
 * failed, the health of replication, what its migration files contain. Each report arrives
 * {@code at} and is recorded as an event only when it tells something new.
 */
final class RegionReports {

    private static final Logger log = LoggerFactory.getLogger(RegionReports.class);

    private RegionReports() {}

    static RegionUpdate failed(RegionState region, String version, String error, Instant at) {
        log.warn("Region {} failed to apply migration {}: {}", region.region(), version, error);
        return new RegionUpdate(
                region.seenAt(at), List.of(event(region, at, EventKind.MIGRATION_FAILED, version + ": " + error)));
    }

    /** The agent's newest view of replication on its region's server; an event when its problems change. */
    static RegionUpdate replication(RegionState region, ReplicationHealth health, Instant at) {
        RegionState after = region.withReplication(health).seenAt(at);
        List<String> before =
                region.replication().map(ReplicationHealth::problems).orElse(List.of());
        List<String> now = health.problems();
        if (now.equals(before)) {
            return RegionUpdate.quietly(after);
        }
        String detail = now.isEmpty() ? "replication is healthy" : String.join("; ", now);
        if (now.isEmpty()) {
            log.info("Region {}: {}", region.region(), detail);
        } else {
            log.warn("Region {}: {}", region.region(), detail);
        }
        return new RegionUpdate(after, List.of(event(region, at, EventKind.REPLICATION, detail)));
    }

    /**
     * Its daemon read the migration files at {@code readAt}: they contain {@code available},
     * or, when empty, the same as before. An event when what they contain changed.
     */
    static RegionUpdate code(RegionState region, Optional<List<Migration>> available, Instant readAt, Instant at) {
        RegionState after = region.withCode(available, readAt).seenAt(at);
        if (after.available().equals(region.available())) {
            return RegionUpdate.quietly(after);
        }
        String detail =
                "its migration files now contain " + describeCode(after) + " (before: " + describeCode(region) + ")";
        log.info("Region {}: {}", region.region(), detail);
        return new RegionUpdate(after, List.of(event(region, at, EventKind.CODE, detail)));
    }

    private static String describeCode(RegionState state) {
        return state.available().size() + " migrations"
                + state.newestAvailable().map(v -> ", newest " + v).orElse("");
    }

    private static FleetEvent event(RegionState region, Instant at, EventKind kind, String detail) {
        return FleetEvent.of(at, region.region(), kind, EventLog.agentOf(region.region()), detail);
    }
}
