package dev.muster.coordinator.fleet;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds region states and fleets for the rule tests without repeating the plumbing. */
final class Regions {

    static final Instant SINCE = Instant.parse("2024-04-24T18:33:42Z");

    private Regions() {}

    /** A migration whose checksum follows from its version, so that every region agrees by default. */
    static Migration migration(String version) {
        return Migration.of(version, "migration " + version, checksumOf(version));
    }

    static int checksumOf(String version) {
        return version.hashCode();
    }

    static Fleet fleet(List<Integer> members, Builder... regions) {
        Fleet fleet = Fleet.withMembers(members);
        for (Builder region : regions) {
            fleet = fleet.with(region.build());
        }
        return fleet;
    }

    /** The agent process that each builder's region is connected from, unless told otherwise. */
    static String instanceOf(int region) {
        return "instance-of-region-" + region;
    }

    /** The database that each builder's region is connected from, unless told otherwise. */
    static String databaseOf(int region) {
        return "database-of-region-" + region;
    }

    static Builder remote(int region) {
        return new Builder(region, Role.REMOTE);
    }

    static Builder global(int region) {
        return new Builder(region, Role.GLOBAL);
    }

    static final class Builder {
        private final int region;
        private final Role role;
        private final Map<String, Migration> applied = new LinkedHashMap<>();
        private final Map<String, Migration> available = new LinkedHashMap<>();
        private boolean connected = true;
        private String instanceId;
        private String databaseId;

        private Builder(int region, Role role) {
            this.region = region;
            this.role = role;
            this.instanceId = instanceOf(region);
            this.databaseId = databaseOf(region);
        }

        /** Committed in the region's database (and so in its migration files too). */
        Builder applied(String... versions) {
            for (String version : versions) {
                applied(migration(version));
            }
            return this;
        }

        Builder applied(Migration migration) {
            applied.put(migration.version(), migration);
            available.put(migration.version(), migration);
            return this;
        }

        /** In the region's migration files, not yet applied. */
        Builder available(String... versions) {
            for (String version : versions) {
                available(migration(version));
            }
            return this;
        }

        Builder available(Migration migration) {
            available.put(migration.version(), migration);
            return this;
        }

        Builder disconnected() {
            connected = false;
            return this;
        }

        /** Connected from agent process {@code instanceId} ("" for an agent too old to say). */
        Builder instance(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** Connected from an agent of database {@code databaseId} ("" for one that cannot say). */
        Builder database(String databaseId) {
            this.databaseId = databaseId;
            return this;
        }

        RegionState build() {
            List<Connection> connections = connected
                    ? List.of(
                            new Connection(region * 10L, instanceId, databaseId, "10.0.0." + region + ":50000", SINCE))
                    : List.of();
            return new RegionState(
                    region,
                    role,
                    applied,
                    available,
                    connections,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(SINCE),
                    Optional.of(SINCE));
        }
    }
}
