package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.ForcedRelease;
import dev.muster.coordinator.fleet.Pause;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator's change does to the fleet, decided from the fleet alone: empty when it
 * changes nothing (a member added again, a fleet paused twice), otherwise the fleet after
 * it and the event that records it.
 */
final class OperatorActions {

    private static final Logger log = LoggerFactory.getLogger(OperatorActions.class);

    private OperatorActions() {}

    record Change(Fleet fleet, FleetEvent event) {}

    /** {@code region} becomes a member: the global waits for it from now on. */
    static Optional<Change> addMember(Fleet fleet, int region, String actor, Instant at) {
        if (fleet.isMember(region)) {
            return Optional.empty();
        }
        if (fleet.region(region).filter(state -> state.role() == Role.GLOBAL).isPresent()) {
            throw new IllegalArgumentException("region " + region + " is the global; only remote regions are members");
        }
        log.info("Region {} is now a member, added by {}", region, actor);
        return Optional.of(new Change(
                fleet.withMember(region),
                FleetEvent.of(
                        at,
                        region,
                        EventKind.MEMBER_ADDED,
                        actor,
                        "the global waits for region " + region + " from now on")));
    }

    static Optional<Change> removeMember(Fleet fleet, int region, String actor, Instant at) {
        if (!fleet.isMember(region)) {
            return Optional.empty();
        }
        log.info("Region {} is no longer a member, removed by {}", region, actor);
        return Optional.of(new Change(
                fleet.withoutMember(region),
                FleetEvent.of(
                        at,
                        region,
                        EventKind.MEMBER_REMOVED,
                        actor,
                        "the global no longer waits for region " + region)));
    }

    static Optional<Change> pause(Fleet fleet, String reason, String actor, Instant at) {
        if (fleet.paused()) {
            return Optional.empty();
        }
        log.info("Fleet paused by {}: {}", actor, reason);
        return Optional.of(new Change(
                fleet.withPause(new Pause(reason, actor, at)),
                FleetEvent.ofFleet(at, EventKind.PAUSED, actor, reason)));
    }

    static Optional<Change> resume(Fleet fleet, String actor, Instant at) {
        if (!fleet.paused()) {
            return Optional.empty();
        }
        log.info("Fleet resumed by {}", actor);
        return Optional.of(
                new Change(fleet.withoutPause(), FleetEvent.ofFleet(at, EventKind.RESUMED, actor, "releases go on")));
    }

    /**
     * {@code version} goes to the global without waiting for the members.
     *
     * @throws IllegalArgumentException without a version or a reason, or for a version the global's files do not contain
     */
    static Optional<Change> forceRelease(Fleet fleet, String version, String reason, String actor, Instant at) {
        if (version.isBlank()) {
            throw new IllegalArgumentException("name the migration version to release");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a forced release needs a reason, for the event log");
        }
        Optional<RegionState> global = fleet.global();
        if (global.isPresent() && !global.get().available().containsKey(version)) {
            throw new IllegalArgumentException(
                    "the global region " + global.get().region()
                            + "'s migration files do not contain " + version + " ("
                            + global.get()
                                    .newestAvailable()
                                    .map(v -> "its newest is " + v)
                                    .orElse("it has none") + ")");
        }
        if (fleet.forced().containsKey(version)) {
            return Optional.empty();
        }
        Fleet forced = fleet.withForced(new ForcedRelease(version, reason, actor, at));
        List<Integer> notYet = forced.members().stream()
                .filter(member -> forced.region(member)
                        .map(state -> !state.applied().containsKey(version))
                        .orElse(true))
                .toList();
        String detail = version + " released by force: " + reason
                + (notYet.isEmpty() ? "" : " (regions " + notYet + " had not applied it)")
                + (forced.paused() ? "; the fleet is paused, so it goes only once resumed" : "");
        log.warn("Migration {}, by {}", detail, actor);
        return Optional.of(new Change(forced, FleetEvent.ofFleet(at, EventKind.FORCED_RELEASE, actor, detail)));
    }
}
