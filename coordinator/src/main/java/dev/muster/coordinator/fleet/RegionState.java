package dev.muster.coordinator.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the coordinator last heard from a region: its role, every migration it has
 * applied and every one its code contains, the agent sessions that speak for it now (its
 * daemon, and a command an operator runs by hand), and its replication health. What a
 * region has applied stays known after its agents disconnect.
 */
public record RegionState(
        int region,
        Role role,
        Map<String, Migration> applied,
        Map<String, Migration> available,
        List<Connection> connections,
        Optional<ReplicationHealth> replication) {

    public RegionState {
        // Insertion order is Flyway's version order, which messages name ("its newest is ...").
        applied = Collections.unmodifiableMap(new LinkedHashMap<>(applied));
        available = Collections.unmodifiableMap(new LinkedHashMap<>(available));
        connections = List.copyOf(connections);
    }

    public static RegionState reported(int region, Role role, Collection<Migration> applied,
                                       Collection<Migration> available, Connection connection) {
        return new RegionState(region, role, byVersion(applied), byVersion(available), List.of(connection),
                Optional.empty());
    }

    public boolean connected() {
        return !connections.isEmpty();
    }

    /**
     * The region as a new session's hello reports it: its migrations replace what was known,
     * its connection joins the others; its replication health stays until the next report.
     */
    public RegionState rehello(Role newRole, Collection<Migration> nowApplied, Collection<Migration> nowAvailable,
                               Connection connection) {
        List<Connection> live = new ArrayList<>(connections);
        live.add(connection);
        return new RegionState(region, newRole, byVersion(nowApplied), byVersion(nowAvailable), live, replication);
    }

    public RegionState withApplied(Migration migration) {
        Map<String, Migration> nowApplied = new LinkedHashMap<>(applied);
        nowApplied.put(migration.version(), migration);
        Map<String, Migration> nowAvailable = new LinkedHashMap<>(available);
        nowAvailable.putIfAbsent(migration.version(), migration);
        return new RegionState(region, role, nowApplied, nowAvailable, connections, replication);
    }

    /** The region's code now has {@code migration} as given (replacing what its hello said of that version). */
    public RegionState withAvailable(Migration migration) {
        Map<String, Migration> nowAvailable = new LinkedHashMap<>(available);
        nowAvailable.put(migration.version(), migration);
        return new RegionState(region, role, applied, nowAvailable, connections, replication);
    }

    public RegionState withReplication(ReplicationHealth health) {
        return new RegionState(region, role, applied, available, connections, Optional.of(health));
    }

    /** Session {@code sessionId} has ended; the region stays connected if another session speaks for it. */
    public RegionState without(long sessionId) {
        List<Connection> live = connections.stream().filter(c -> c.sessionId() != sessionId).toList();
        return new RegionState(region, role, applied, available, live, replication);
    }

    private static Map<String, Migration> byVersion(Collection<Migration> migrations) {
        Map<String, Migration> result = new LinkedHashMap<>();
        for (Migration migration : migrations) {
            result.put(migration.version(), migration);
        }
        return result;
    }

    /** The newest version the region's code contains, if any. */
    public Optional<String> newestAvailable() {
        return available.keySet().stream().reduce((first, second) -> second);
    }
}
