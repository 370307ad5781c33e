package dev.muster.it.scale;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.events.MigrationRun;
import dev.muster.coordinator.fleet.Fleet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many reports of each version the coordinator has taken in, counted from its events as
 * they happen: the benchmark sends the last member's report only once the others are in, so
 * that what it times is that one report, not a queue of them.
 */
final class AppliedCount implements FleetObserver {

    private final ConcurrentMap<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();

    @Override
    public void changed(Fleet fleet, List<FleetEvent> events) {
        for (FleetEvent event : events) {
            if (event.kind() == EventKind.MIGRATION_APPLIED) {
                for (MigrationRun run : event.migrations()) {
                    byVersion
                            .computeIfAbsent(run.version(), v -> new AtomicInteger())
                            .incrementAndGet();
                }
            }
        }
    }

    int of(String version) {
        AtomicInteger count = byVersion.get(version);
        return count == null ? 0 : count.get();
    }
}
