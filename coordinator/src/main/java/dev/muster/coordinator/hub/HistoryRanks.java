package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Migration;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where in its database's Flyway history each migration a region newly applied sits, as
 * its agents said, and when the coordinator first heard of it. Several agents speak for
 * one database at once (the daemon, and migrate run by hand), and a hello is read from the
 * history before it is sent: a hello read just before a migration committed can arrive
 * after another session reported that migration. Ranks tell such a hello from a history
 * that really lacks the migration. Guarded by the hub's lock.
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

    private record Learned(int rank, Instant at) {}

    private final Map<Database, Map<String, Learned>> learned = new HashMap<>();

    /** The coordinator has just learned that {@code version} is applied, at {@code installation}'s place. */
    void learned(int region, String databaseId, String version, Installation installation, Instant at) {
        forget(at);
        if (installation.rank().isPresent()) {
            learned.computeIfAbsent(new Database(region, databaseId), database -> new HashMap<>())
                    .put(version, new Learned(installation.rank().getAsInt(), at));
        }
    }

    /** What was learned too long ago to be newer than any hello could be. */
    private void forget(Instant now) {
        learned.values()
                .forEach(versions -> versions.values()
                        .removeIf(of -> !of.at().plus(MAX_HELLO_AGE).isAfter(now)));
        learned.values().removeIf(Map::isEmpty);
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
        Map<String, Learned> ofDatabase =
                learned.getOrDefault(new Database(hello.region(), hello.databaseId()), Map.of());
        if (newestRead.isEmpty()) {
            return List.of();
        }
        Set<String> read = hello.applied().stream().map(Migration::version).collect(Collectors.toSet());
        return known.stream()
                .filter(migration -> !read.contains(migration.version()))
                .filter(migration -> {
                    Learned of = ofDatabase.get(migration.version());
                    return of != null && of.rank() > newestRead.getAsInt();
                })
                .toList();
    }
}
