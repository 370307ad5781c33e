package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Migration;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where in its database's Flyway history each migration a region applied sits, as its
 * agents said, and when they said it. Several agents speak for one database at once (the
 * daemon, and migrate run by hand), and a hello is read from the history before it is
 * sent: a hello read just before a migration committed can arrive after another session
 * reported that migration. Ranks tell such a hello from a history that really lacks the
 * migration.
 */
final class HistoryRanks {

    /**
     * How long after it was read a hello may arrive: an agent gives up on a session whose
     * hello is not answered within 30 s. A migration reported longer ago than this is not
     * newer than any hello arriving now, so a hello without it means the history lost it
     * (the database was recreated or restored), and its word stands.
     */
    static final Duration HELLO_AGE = Duration.ofMinutes(2);

    private record Database(int region, String databaseId) {
    }

    private record Said(int rank, Instant at) {
    }

    private final Map<Database, Map<String, Said>> said = new HashMap<>();

    void record(int region, String databaseId, String version, Installation installation, Instant at) {
        if (!databaseId.isEmpty() && installation.rank().isPresent()) {
            said.computeIfAbsent(new Database(region, databaseId), database -> new HashMap<>())
                    .put(version, new Said(installation.rank().getAsInt(), at));
        }
    }

    void record(AgentHello hello, Instant at) {
        hello.installations().forEach((version, installation) ->
                record(hello.region(), hello.databaseId(), version, installation, at));
    }

    /**
     * Which of {@code known} (what the region was known to have applied) are missing from
     * {@code hello}, arriving {@code now}, only because they committed after its history
     * was read: each ranks above every migration the hello has, and was said to be applied
     * recently enough. None when the hello's database or ranks are unknown: its word stands.
     */
    List<Migration> committedAfter(AgentHello hello, Collection<Migration> known, Instant now) {
        OptionalInt newestRead = hello.newestRank();
        Map<String, Said> ofDatabase = said.getOrDefault(new Database(hello.region(), hello.databaseId()), Map.of());
        if (newestRead.isEmpty() || ofDatabase.isEmpty()) {
            return List.of();
        }
        List<String> read = hello.applied().stream().map(Migration::version).toList();
        return known.stream()
                .filter(migration -> !read.contains(migration.version()))
                .filter(migration -> {
                    Said of = ofDatabase.get(migration.version());
                    return of != null && of.rank() > newestRead.getAsInt() && of.at().plus(HELLO_AGE).isAfter(now);
                })
                .toList();
    }
}
