package dev.muster.coordinator.fleet;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the coordinator last heard from a region: its role, every migration it has
 * applied and every one its code contains, and whether an agent speaks for it now.
 * What a region has applied stays known after its agent disconnects.
 */
public record RegionState(
        int region,
        Role role,
        Map<String, Migration> applied,
        Map<String, Migration> available,
        Optional<Connection> connection) {

    public RegionState {
        // Insertion order is Flyway's version order, which messages name ("its newest is ...").
        applied = Collections.unmodifiableMap(new LinkedHashMap<>(applied));
        available = Collections.unmodifiableMap(new LinkedHashMap<>(available));
    }

    public static RegionState reported(int region, Role role, Collection<Migration> applied,
                                       Collection<Migration> available, Connection connection) {
        return new RegionState(region, role, byVersion(applied), byVersion(available), Optional.of(connection));
    }

    public boolean connected() {
        return connection.isPresent();
    }

    public RegionState withApplied(Migration migration) {
        Map<String, Migration> nowApplied = new LinkedHashMap<>(applied);
        nowApplied.put(migration.version(), migration);
        Map<String, Migration> nowAvailable = new LinkedHashMap<>(available);
        nowAvailable.putIfAbsent(migration.version(), migration);
        return new RegionState(region, role, nowApplied, nowAvailable, connection);
    }

    /** The region's code now has {@code migration} as given (replacing what its hello said of that version). */
    public RegionState withAvailable(Migration migration) {
        Map<String, Migration> nowAvailable = new LinkedHashMap<>(available);
        nowAvailable.put(migration.version(), migration);
        return new RegionState(region, role, applied, nowAvailable, connection);
    }

    public RegionState disconnected() {
        return new RegionState(region, role, applied, available, Optional.empty());
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
