package dev.muster.coordinator.hub;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.MigrationRun;
import dev.muster.coordinator.fleet.Connection;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the regions have applied, as their agents tell it: the whole history a Hello read,
 * merged into what was known ({@link HistoryRanks} keeps a stale Hello from undoing a
 * report), and reports of one migration each. Whatever either tells for the first time
 * becomes a {@link EventKind#MIGRATION_APPLIED} event with the migrations' run times.
 * Guarded by the hub's lock.
 */
final class AppliedMigrations {

    private static final Logger log = LoggerFactory.getLogger(AppliedMigrations.class);

    private final HistoryRanks ranks = new HistoryRanks();
    private final Clock clock;

    AppliedMigrations(Clock clock) {
        this.clock = clock;
    }

    /** The region of {@code hello}, known before as {@code known}, as the hello says it is now. */
    RegionUpdate hello(Optional<RegionState> known, AgentHello hello, Connection connection) {
        List<Migration> applied =
                known.map(before -> appliedAsOf(hello, before)).orElse(hello.applied());
        Map<String, Migration> knownApplied = known.map(RegionState::applied).orElse(Map.of());
        List<Migration> news = applied.stream()
                .filter(migration -> !knownApplied.containsKey(migration.version()))
                .toList();
        RegionState state = known.map(before -> before.rehello(hello.role(), applied, hello.available(), connection))
                .orElseGet(() ->
                        RegionState.reported(hello.region(), hello.role(), applied, hello.available(), connection));
        // the versions as the region's state holds them, which regions with the same history share
        List<String> learned = state.applied().keySet().stream()
                .filter(version -> !knownApplied.containsKey(version))
                .toList();
        ranks.learned(hello.region(), hello.databaseId(), learned, hello::installation, clock.instant());
        List<FleetEvent> events;
        if (known.isPresent()) {
            // heard from before: what the region applied meanwhile is recorded, like a report of it
            events = news.stream()
                    .map(migration -> reported(
                            hello.region(),
                            migration,
                            hello.installation(migration.version()).took()))
                    .toList();
        } else {
            events = news.isEmpty() ? List.of() : List.of(appliedBeforeKnown(hello, news));
        }
        return new RegionUpdate(state, events);
    }

    /** {@code session}'s region, known as {@code before}, committed {@code migration}, as {@code installation} says. */
    RegionUpdate report(Session session, RegionState before, Migration migration, Installation installation) {
        RegionState state = before.withApplied(migration).seenAt(clock.instant());
        if (before.applied().containsKey(migration.version())) {
            return RegionUpdate.quietly(state);
        }
        ranks.learned(session.region, session.databaseId, migration.version(), installation, clock.instant());
        return new RegionUpdate(state, List.of(reported(session.region, migration, installation.took())));
    }

    /**
     * What {@code hello} says its region has applied, and what the region was known to
     * have applied that committed after the hello was read (another session of the same
     * database reported it first): a hello replaces what was known, but is no older than
     * its own reading.
     */
    private List<Migration> appliedAsOf(AgentHello hello, RegionState before) {
        List<Migration> committedAfter =
                ranks.committedAfter(hello, before.applied().values(), clock.instant());
        List<Migration> applied = new ArrayList<>(hello.applied());
        if (!committedAfter.isEmpty()) {
            log.info(
                    "Region {}'s hello was read before {} committed, which stays applied",
                    hello.region(),
                    committedAfter.stream().map(Migration::version).toList());
            applied.addAll(committedAfter);
        }
        Set<String> versions = applied.stream().map(Migration::version).collect(Collectors.toSet());
        List<String> lost = before.applied().keySet().stream()
                .filter(version -> !versions.contains(version))
                .toList();
        if (!lost.isEmpty()) {
            log.warn(
                    "Region {}'s migration history no longer has {}, which it had applied; its database was "
                            + "restored or recreated, or rows were deleted from its flyway_schema_history",
                    hello.region(),
                    lost);
        }
        return applied;
    }

    private FleetEvent reported(int region, Migration migration, Optional<Duration> took) {
        log.info("Region {} applied migration {}", region, migration.version());
        String detail = migration.version() + " (" + migration.description() + ")"
                + took.map(duration -> " in " + duration.toMillis() + " ms").orElse("");
        return FleetEvent.of(clock.instant(), region, EventKind.MIGRATION_APPLIED, EventLog.agentOf(region), detail)
                .recording(List.of(new MigrationRun(migration.version(), took)));
    }

    /**
     * What a region had applied when the coordinator first heard of it, as one event that
     * carries every run time to the metrics: a long-lived region's first hello may hold
     * hundreds of migrations, which one event each would bury the log's other events under.
     */
    private FleetEvent appliedBeforeKnown(AgentHello hello, List<Migration> applied) {
        List<MigrationRun> runs = applied.stream()
                .map(migration -> new MigrationRun(
                        migration.version(),
                        hello.installation(migration.version()).took()))
                .toList();
        List<Duration> timed = runs.stream().flatMap(run -> run.took().stream()).toList();
        String ranFor = timed.isEmpty()
                ? ""
                : "; " + timed.stream().reduce(Duration.ZERO, Duration::plus).toMillis() + " ms in all"
                        + (timed.size() == runs.size() ? "" : " for the " + timed.size() + " whose run time it says");
        String detail = applied.size() + (applied.size() == 1 ? " migration" : " migrations")
                + " applied before the coordinator knew of the region, "
                + (applied.size() == 1
                        ? applied.get(0).version()
                        : "from " + applied.get(0).version() + " to "
                                + applied.get(applied.size() - 1).version())
                + ranFor;
        log.info("Region {}'s history holds {}", hello.region(), detail);
        return FleetEvent.of(
                        clock.instant(),
                        hello.region(),
                        EventKind.MIGRATION_APPLIED,
                        EventLog.agentOf(hello.region()),
                        detail)
                .recording(runs);
    }
}
