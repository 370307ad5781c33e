package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Migration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Where in its database's Flyway history each migration a region newly applied sits, as
 * its agents said, and when the coordinator first heard of it. Several agents speak for
 * one database at once (the daemon, and migrate run by hand), and a hello is read from the
 * history before it is sent: a hello read just before a migration committed can arrive
 * after another session reported that migration. Ranks tell such a hello from a history
 * that really lacks the migration. Guarded by the hub's lock.
 *
 * <p>What one hello or report taught is kept as one batch, in arrays, and batches expire
 * oldest first: learning costs what was learned, not what the whole fleet taught lately,
 * and a fleet of thousands of regions saying hello at once keeps a few bytes per migration.
 */
final class HistoryRanks {

    /**
     * How much older than its arrival a hello is taken to be at most. An agent reads its
     * hello, connects and sends it, and gives up on a session whose hello is not answered
     * within 30 s; this leaves ample room. A migration first heard of longer ago than this
     * is older than any hello arriving now, so a hello without it means the history lost
     * it (the database was recreated or restored), and its word stands.
     */
    static final Duration MAX_HELLO_AGE = Duration.ofMinutes(2);

    private record Database(int region, String databaseId) {}

    /** Versions learned at once, with their ranks; the versions are the fleet's own strings, not copies. */
    private record Batch(Database database, Instant at, String[] versions, int[] ranks) {}

    private final Map<Database, Deque<Batch>> byDatabase = new HashMap<>();
    private final Deque<Batch> byAge = new ArrayDeque<>();

    /** The coordinator has just learned that {@code version} is applied, at {@code installation}'s place. */
    void learned(int region, String databaseId, String version, Installation installation, Instant at) {
        learned(region, databaseId, List.of(version), v -> installation, at);
    }

    /** The coordinator has just learned that each of {@code versions} is applied, where {@code installations} says. */
    void learned(
            int region,
            String databaseId,
            Collection<String> versions,
            Function<String, Installation> installations,
            Instant at) {
        forget(at);
        List<String> ranked = new ArrayList<>(versions.size());
        int[] ranks = new int[versions.size()];
        for (String version : versions) {
            OptionalInt rank = installations.apply(version).rank();
            if (rank.isPresent()) {
                ranks[ranked.size()] = rank.getAsInt();
                ranked.add(version);
            }
        }
        if (ranked.isEmpty()) {
            return;
        }
        Database database = new Database(region, databaseId);
        Batch batch = new Batch(
                database,
                at,
                ranked.toArray(String[]::new),
                ranked.size() == ranks.length ? ranks : Arrays.copyOf(ranks, ranked.size()));
        byAge.addLast(batch);
        byDatabase.computeIfAbsent(database, d -> new ArrayDeque<>()).addLast(batch);
    }

    /** What was learned too long ago to be newer than any hello could be; the oldest batches go first. */
    private void forget(Instant now) {
        while (!byAge.isEmpty() && !byAge.peekFirst().at().plus(MAX_HELLO_AGE).isAfter(now)) {
            Batch expired = byAge.removeFirst();
            Deque<Batch> ofDatabase = byDatabase.get(expired.database());
            ofDatabase.removeFirstOccurrence(expired);
            if (ofDatabase.isEmpty()) {
                byDatabase.remove(expired.database());
            }
        }
    }

    /**
     * Which of {@code known} (what the region was known to have applied) are missing from
     * {@code hello}, arriving {@code now}, only because they committed after its history
     * was read: each ranks above every migration the hello has, and was learned recently
     * enough. None when the hello does not say its ranks (an older agent): its word stands.
     */
    List<Migration> committedAfter(AgentHello hello, Collection<Migration> known, Instant now) {
        forget(now);
        OptionalInt newestRead = hello.newestRank();
        Deque<Batch> ofDatabase = byDatabase.get(new Database(hello.region(), hello.databaseId()));
        if (newestRead.isEmpty() || ofDatabase == null) {
            return List.of();
        }
        Set<String> read = new HashSet<>();
        hello.applied().forEach(migration -> read.add(migration.version()));
        Map<String, Migration> missing = new HashMap<>();
        known.stream()
                .filter(migration -> !read.contains(migration.version()))
                .forEach(migration -> missing.put(migration.version(), migration));
        if (missing.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> ranks = new HashMap<>();
        // the newest batch last, so that its rank is the one kept
        for (Batch batch : ofDatabase) {
            for (int i = 0; i < batch.versions().length; i++) {
                if (missing.containsKey(batch.versions()[i])) {
                    ranks.put(batch.versions()[i], batch.ranks()[i]);
                }
            }
        }
        return known.stream()
                .filter(migration -> missing.containsKey(migration.version()))
                .filter(migration -> {
                    Integer rank = ranks.get(migration.version());
                    return rank != null && rank > newestRead.getAsInt();
                })
                .toList();
    }
}
