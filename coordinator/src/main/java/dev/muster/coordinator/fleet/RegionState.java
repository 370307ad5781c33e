package dev.muster.coordinator.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the coordinator last heard from a region: its role, every migration it has
 * applied and every one its code contains, the agent sessions that speak for it now (its
 * daemon, and a command an operator runs by hand), its replication health, what it waits
 * on, and when an agent last spoke for it. What a region has applied stays known after
 * its agents disconnect.
 *
 * @param codeReadAt when its agent last read its migration files (a Hello, or a daemon's CodeReport)
 */
public record RegionState(
        int region,
        Role role,
        Map<String, Migration> applied,
        Map<String, Migration> available,
        List<Connection> connections,
        Optional<ReplicationHealth> replication,
        Optional<Waiting> waiting,
        Optional<Instant> lastSeen,
        Optional<Instant> codeReadAt) {

    public RegionState {
        // Insertion order is Flyway's version order, which messages name ("its newest is ...").
        applied = SharedHistories.shared(applied);
        available = SharedHistories.shared(available);
        connections = List.copyOf(connections);
    }

    public static RegionState reported(
            int region,
            Role role,
            Collection<Migration> applied,
            Collection<Migration> available,
            Connection connection) {
        return new RegionState(
                region,
                role,
                byVersion(applied),
                byVersion(available),
                List.of(connection),
                Optional.empty(),
                Optional.empty(),
                Optional.of(connection.since()),
                Optional.of(connection.since()));
    }

    public boolean connected() {
        return !connections.isEmpty();
    }

    /**
     * The region as a new session's hello reports it: its migrations replace what was known,
     * its connection joins the others; its replication health stays until the next report.
     */
    public RegionState rehello(
            Role newRole, Collection<Migration> nowApplied, Collection<Migration> nowAvailable, Connection connection) {
        List<Connection> live = new ArrayList<>(connections);
        live.add(connection);
        return new RegionState(
                region,
                newRole,
                byVersion(nowApplied),
                byVersion(nowAvailable),
                live,
                replication,
                waiting,
                Optional.of(connection.since()),
                Optional.of(connection.since()));
    }

    /**
     * Its agent read its migration files at {@code readAt}: they now contain {@code nowAvailable},
     * or, when empty, what they contained before.
     */
    public RegionState withCode(Optional<? extends Collection<Migration>> nowAvailable, Instant readAt) {
        Map<String, Migration> code = nowAvailable.map(RegionState::byVersion).orElse(available);
        return new RegionState(
                region, role, applied, code, connections, replication, waiting, lastSeen, Optional.of(readAt));
    }

    public RegionState withApplied(Migration migration) {
        Map<String, Migration> nowApplied = new LinkedHashMap<>(applied);
        nowApplied.put(migration.version(), migration);
        Map<String, Migration> nowAvailable = new LinkedHashMap<>(available);
        nowAvailable.putIfAbsent(migration.version(), migration);
        return new RegionState(
                region, role, nowApplied, nowAvailable, connections, replication, waiting, lastSeen, codeReadAt);
    }

    /** The region's code now has {@code migration} as given (replacing what its hello said of that version). */
    public RegionState withAvailable(Migration migration) {
        Map<String, Migration> nowAvailable = new LinkedHashMap<>(available);
        nowAvailable.put(migration.version(), migration);
        return new RegionState(
                region, role, applied, nowAvailable, connections, replication, waiting, lastSeen, codeReadAt);
    }

    public RegionState withReplication(ReplicationHealth health) {
        return new RegionState(
                region, role, applied, available, connections, Optional.of(health), waiting, lastSeen, codeReadAt);
    }

    public RegionState withWaiting(Optional<Waiting> nowWaiting) {
        return new RegionState(
                region, role, applied, available, connections, replication, nowWaiting, lastSeen, codeReadAt);
    }

    /** An agent of the region spoke at {@code at}. */
    public RegionState seenAt(Instant at) {
        return new RegionState(
                region, role, applied, available, connections, replication, waiting, Optional.of(at), codeReadAt);
    }

    /** Session {@code sessionId} has ended; the region stays connected if another session speaks for it. */
    public RegionState without(long sessionId) {
        List<Connection> live =
                connections.stream().filter(c -> c.sessionId() != sessionId).toList();
        return new RegionState(region, role, applied, available, live, replication, waiting, lastSeen, codeReadAt);
    }

    private static Map<String, Migration> byVersion(Collection<Migration> migrations) {
        Map<String, Migration> result = new LinkedHashMap<>();
        for (Migration migration : migrations) {
            result.put(migration.version(), migration);
        }
        return result;
    }

    /**
     * The newest version the region has applied, in the order of its code's migrations
     * (which Flyway applies in); by arrival for versions its code no longer contains.
     */
    public Optional<String> newestApplied() {
        Optional<String> inCodeOrder =
                available.keySet().stream().filter(applied::containsKey).reduce((first, second) -> second);
        return inCodeOrder.isPresent() ? inCodeOrder : applied.keySet().stream().reduce((first, second) -> second);
    }

    /** "its files read at 2026-12-03T16:50:01Z", for messages about what its code contains. */
    public String codeFreshness() {
        return codeReadAt.map(at -> "its files read at " + at).orElse("its files never read");
    }

    /** The newest version the region's code contains, if any. */
    public Optional<String> newestAvailable() {
        return available.keySet().stream().reduce((first, second) -> second);
    }
}
