package dev.muster.agent.config;

import dev.muster.proto.v1.Role;

/** The part a region plays in replication, as written in the agent's configuration. */
public enum RegionRole {
    REMOTE(Role.REMOTE),
    GLOBAL(Role.GLOBAL);

    private final Role wire;

    RegionRole(Role wire) {
        this.wire = wire;
    }

    public Role wire() {
        return wire;
    }

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
