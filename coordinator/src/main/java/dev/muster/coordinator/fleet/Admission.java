package dev.muster.coordinator.fleet;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Whether an agent may speak for the region it claims. Pure, like the release rule. */
public final class Admission {

    private Admission() {}

    /** Who asks: the region and role an agent claims, and which process and database it is. */
    public record Claim(int region, Role role, String instanceId, String databaseId) {}

    /**
     * Why {@code claim} is refused, or empty if it is admitted. Agents of the same database
     * may speak for its region at once (the daemon, and {@code migrate} run by hand); the
     * same process reconnecting is admitted too. Another database claiming a connected
     * region is a configuration mistake: two appliances think they are the same region.
     */
    public static Optional<String> refusal(Fleet fleet, Claim claim) {
        int region = claim.region();
        List<Connection> live =
                fleet.region(region).map(RegionState::connections).orElse(List.of());
        Optional<Connection> stranger = live.stream()
                .filter(connection -> !connection.isSameInstance(claim.instanceId())
                        && !connection.isSameDatabase(claim.databaseId()))
                .findFirst();
        if (stranger.isPresent()) {
            return Optional.of("region " + region + " is already served by a connected agent of another database (from "
                    + stranger.get().peer() + " since " + stranger.get().since() + "): two agents claim region "
                    + region + "; check the region number in each agent's configuration");
        }
        if (claim.role() == Role.GLOBAL && fleet.isMember(region)) {
            return Optional.of("region " + region + " is a member remote in the coordinator's configuration "
                    + "(regions), but its agent says it is the global; fix 'role' in the agent's configuration "
                    + "or 'regions' in the coordinator's");
        }
        Optional<RegionState> known = fleet.region(region).filter(RegionState::connected);
        if (known.isPresent() && known.get().role() != claim.role()) {
            return Optional.of("region " + region + " is connected as "
                    + known.get().role().name().toLowerCase(Locale.ROOT)
                    + " but this agent says " + claim.role().name().toLowerCase(Locale.ROOT)
                    + "; every agent of a region must have the same 'role' in its configuration");
        }
        if (claim.role() == Role.GLOBAL) {
            Optional<RegionState> global = fleet.connectedGlobal().filter(state -> state.region() != region);
            if (global.isPresent()) {
                return Optional.of("region " + global.get().region() + " is already connected as the global; "
                        + "a fleet has one global region, so region " + region + " cannot be global too");
            }
        }
        return Optional.empty();
    }
}
