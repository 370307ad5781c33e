package dev.muster.coordinator.fleet;

import java.util.Optional;

/** Whether an agent may speak for the region it claims. Pure, like the release rule. */
public final class Admission {

    private Admission() {
    }

    /**
     * Why agent {@code instanceId} claiming {@code region} in {@code role} is refused, or
     * empty if it is admitted. The same instance reconnecting is admitted: its new session
     * replaces the old one, whose end the coordinator may not have noticed yet.
     */
    public static Optional<String> refusal(Fleet fleet, int region, Role role, String instanceId) {
        Optional<Connection> live = fleet.region(region).flatMap(RegionState::connection);
        if (live.isPresent() && !isSameInstance(live.get(), instanceId)) {
            return Optional.of("region " + region + " is already served by a connected agent (from "
                    + live.get().peer() + " since " + live.get().since() + "): two agents claim region "
                    + region + "; check the region number in each agent's configuration");
        }
        if (role == Role.GLOBAL && fleet.isMember(region)) {
            return Optional.of("region " + region + " is a member remote in the coordinator's configuration "
                    + "(regions), but its agent says it is the global; fix 'role' in the agent's configuration "
                    + "or 'regions' in the coordinator's");
        }
        if (role == Role.GLOBAL) {
            Optional<RegionState> global = fleet.connectedGlobal().filter(state -> state.region() != region);
            if (global.isPresent()) {
                return Optional.of("region " + global.get().region() + " is already connected as the global; "
                        + "a fleet has one global region, so region " + region + " cannot be global too");
            }
        }
        return Optional.empty();
    }

    private static boolean isSameInstance(Connection live, String instanceId) {
        return !instanceId.isEmpty() && live.instanceId().equals(instanceId);
    }
}
