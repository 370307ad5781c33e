package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Role;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The whole state an agent reports when its session starts, as read from its database
 * just before.
 *
 * @param installations how Flyway's history records the applied migrations, by version,
 *                      for those the agent says
 */
public record AgentHello(
        int region,
        Role role,
        String agentVersion,
        String instanceId,
        String databaseId,
        List<Migration> applied,
        List<Migration> available,
        boolean daemon,
        Map<String, Installation> installations) {

    public AgentHello {
        applied = List.copyOf(applied);
        available = List.copyOf(available);
        installations = Map.copyOf(installations);
    }

    public AgentHello(
            int region,
            Role role,
            String agentVersion,
            String instanceId,
            String databaseId,
            List<Migration> applied,
            List<Migration> available,
            boolean daemon) {
        this(region, role, agentVersion, instanceId, databaseId, applied, available, daemon, Map.of());
    }

    /** The hello of a command run by hand (migrate), which carries out no upgrade steps. */
    public AgentHello(
            int region,
            Role role,
            String agentVersion,
            String instanceId,
            String databaseId,
            List<Migration> applied,
            List<Migration> available) {
        this(region, role, agentVersion, instanceId, databaseId, applied, available, false);
    }

    /**
     * The highest place in Flyway's history among what the hello read: 0 for an empty
     * history; empty when some applied migration's place is not said (an older agent).
     */
    public OptionalInt newestRank() {
        int newest = 0;
        for (Migration migration : applied) {
            OptionalInt rank = installations
                    .getOrDefault(migration.version(), Installation.UNKNOWN)
                    .rank();
            if (rank.isEmpty()) {
                return OptionalInt.empty();
            }
            newest = Math.max(newest, rank.getAsInt());
        }
        return OptionalInt.of(newest);
    }

    public Installation installation(String version) {
        return installations.getOrDefault(version, Installation.UNKNOWN);
    }
}
