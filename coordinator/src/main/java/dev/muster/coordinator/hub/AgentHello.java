package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Role;
import java.util.List;

/** The whole state an agent reports when its session starts. */
public record AgentHello(int region, Role role, String agentVersion, String instanceId, String databaseId,
                         List<Migration> applied, List<Migration> available, boolean daemon) {

    public AgentHello {
        applied = List.copyOf(applied);
        available = List.copyOf(available);
    }

    /** The hello of a command run by hand (migrate), which carries out no upgrade steps. */
    public AgentHello(int region, Role role, String agentVersion, String instanceId, String databaseId,
                      List<Migration> applied, List<Migration> available) {
        this(region, role, agentVersion, instanceId, databaseId, applied, available, false);
    }
}
