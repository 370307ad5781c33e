package dev.muster.coordinator.metrics;

import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.Waiting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The fleet as Prometheus sees it: gauges that follow each change of the fleet, counters
 * and timers that follow its events. Called under the hub's lock, so it only updates
 * meters in memory. Names: {@code muster_} prefix, base units, as the README lists them.
 */
public final class FleetMetrics implements FleetObserver {

    private static final Set<EventKind> RELEASE_CAUSES = EnumSet.of(
            EventKind.MIGRATION_APPLIED, EventKind.MEMBER_REMOVED, EventKind.FORCED_RELEASE, EventKind.RESUMED);

    private static final Pattern SUBSCRIPTION_SLOT = Pattern.compile("region_[0-9]+_subscription");

    private static final RegionGauges.Kind SESSIONS = new RegionGauges.Kind(
            "muster_region_sessions", "Agent sessions open for the region (its daemon, and commands run by hand)");
    private static final RegionGauges.Kind APPLIED =
            new RegionGauges.Kind("muster_region_applied_migrations", "Migrations the region has applied");
    private static final RegionGauges.Kind APPLIED_VERSION = new RegionGauges.Kind(
            "muster_region_applied_version", "1, labelled with the newest migration version the region has applied");
    private static final RegionGauges.Kind PENDING = new RegionGauges.Kind(
            "muster_region_pending_migrations", "Migrations the region's code contains that it has not applied");
    private static final RegionGauges.Kind WAITING = new RegionGauges.Kind(
            "muster_region_waiting_seconds",
            "How long the region's current migration has waited for release; absent when not waiting",
            "seconds");
    private static final RegionGauges.Kind SUBSCRIPTION_ENABLED = new RegionGauges.Kind(
            "muster_subscription_enabled", "1 if the global's subscription exists and is enabled");
    private static final RegionGauges.Kind WORKER_RUNNING =
            new RegionGauges.Kind("muster_subscription_worker_running", "1 if the subscription's apply worker runs");
    private static final RegionGauges.Kind APPLY_ERRORS = new RegionGauges.Kind(
            "muster_subscription_apply_errors",
            "Errors applying the subscription's changes since statistics were reset (PostgreSQL 15+)");
    private static final RegionGauges.Kind LAST_MESSAGE_AGE = new RegionGauges.Kind(
            "muster_subscription_last_message_age_seconds",
            "Time since the subscription's worker last heard from the remote, as last reported",
            "seconds");
    private static final RegionGauges.Kind SLOT_RETAINED = new RegionGauges.Kind(
            "muster_slot_retained_wal_bytes", "WAL a remote's replication slot keeps from removal", "bytes");
    private static final RegionGauges.Kind LAG_BYTES = new RegionGauges.Kind(
            "muster_subscription_lag_bytes",
            "WAL a remote has written that the global's subscription has not confirmed",
            "bytes");
    private static final RegionGauges.Kind LAG_SECONDS = new RegionGauges.Kind(
            "muster_subscription_lag_seconds",
            "How far the subscription's apply is behind its remote, as the remote's walsender "
                    + "measures it; 0 once caught up, absent while the subscription does not stream",
            "seconds");
    private static final RegionGauges.Kind PROBLEMS = new RegionGauges.Kind(
            "muster_region_replication_problems",
            "Replication problems the region's last report shows (0 when healthy)");

    private final MeterRegistry registry;
    private final Clock clock;
    private final RegionGauges gauges;
    private final AtomicInteger members = new AtomicInteger();
    private final AtomicInteger paused = new AtomicInteger();
    /** Regions whose counters and timers exist ("99g" for a global's too). Only touched in changed(). */
    private final Set<String> metered = new HashSet<>();

    private Fleet previous;

    public FleetMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        gauges = new RegionGauges(registry);
        Gauge.builder("muster_fleet_members", members, AtomicInteger::get)
                .description("Member remote regions: the global waits for each")
                .register(registry);
        Gauge.builder("muster_fleet_paused", paused, AtomicInteger::get)
                .description("1 while an operator has paused the fleet")
                .register(registry);
        // at 0 from the start, so that an alert on their increase sees the first one
        EnumSet.of(EventKind.CONNECTED, EventKind.DISCONNECTED, EventKind.REFUSED)
                .forEach(this::sessionChanges);
        for (EventKind kind : EnumSet.of(EventKind.WAITING, EventKind.HELD, EventKind.RELEASED, EventKind.REJECTED)) {
            signals(signal(kind));
        }
        Counter.builder("muster_forced_releases")
                .description("Versions operators released by force")
                .register(registry);
    }

    private Counter sessionChanges(EventKind kind) {
        return Counter.builder("muster_agent_sessions")
                .description("Agent session changes, by what happened")
                .tag("event", kind.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    @Override
    public void changed(Fleet fleet, List<FleetEvent> events) {
        if (previous == null || !previous.members().equals(fleet.members())) {
            for (int member : fleet.members()) {
                regionMeters(member, false);
            }
        }
        // only the regions whose state is not the very same object as before
        fleet.regionChanges(previous == null ? Fleet.withMembers(List.of()) : previous, (was, is) -> {
            if (is == null) {
                gauges.set(was.region(), List.of());
            } else {
                regionMeters(is.region(), is.role() == Role.GLOBAL);
                gauges.set(is.region(), rows(is));
            }
        });
        for (FleetEvent event : events) {
            count(event);
        }
        releaseLatencies(events);
        members.set(fleet.members().size());
        paused.set(fleet.paused() ? 1 : 0);
        previous = fleet;
    }

    private List<RegionGauges.Row> rows(RegionState state) {
        List<RegionGauges.Row> rows = new ArrayList<>();
        Tags region = Tags.of(
                "region",
                String.valueOf(state.region()),
                "role",
                state.role().name().toLowerCase(Locale.ROOT));
        rows.add(RegionGauges.Row.of(SESSIONS, region, state.connections().size()));
        rows.add(RegionGauges.Row.of(APPLIED, region, state.applied().size()));
        state.newestApplied()
                .ifPresent(
                        version -> rows.add(RegionGauges.Row.of(APPLIED_VERSION, region.and("version", version), 1)));
        rows.add(RegionGauges.Row.of(
                PENDING,
                region,
                state.available().keySet().stream()
                        .filter(version -> !state.applied().containsKey(version))
                        .count()));
        state.waiting()
                .ifPresent(wait -> rows.add(new RegionGauges.Row(
                        WAITING,
                        region.and("version", wait.version()),
                        () -> Duration.between(wait.since(), clock.instant()).toMillis() / 1000.0)));
        state.replication().ifPresent(health -> replicationRows(region, health, rows));
        return rows;
    }

    private static void replicationRows(Tags region, ReplicationHealth health, List<RegionGauges.Row> rows) {
        rows.add(RegionGauges.Row.of(PROBLEMS, region, health.problems().size()));
        for (ReplicationHealth.Subscription subscription : health.subscriptions()) {
            Tags tags = region.and("subscription", subscription.name());
            rows.add(RegionGauges.Row.of(
                    SUBSCRIPTION_ENABLED, tags, subscription.exists() && subscription.enabled() ? 1 : 0));
            rows.add(RegionGauges.Row.of(WORKER_RUNNING, tags, subscription.workerRunning() ? 1 : 0));
            subscription.applyErrors().ifPresent(errors -> rows.add(RegionGauges.Row.of(APPLY_ERRORS, tags, errors)));
            subscription
                    .lastMessage()
                    .ifPresent(at -> rows.add(RegionGauges.Row.of(
                            LAST_MESSAGE_AGE,
                            tags,
                            Duration.between(at, health.takenAt()).toMillis() / 1000.0)));
        }
        for (ReplicationHealth.Slot slot : health.slots()) {
            slot.retainedBytes()
                    .ifPresent(bytes ->
                            rows.add(RegionGauges.Row.of(SLOT_RETAINED, region.and("slot", slot.name()), bytes)));
            // the global's subscription's slot is named after it; others (a table copy's, a
            // standby's) are no subscription's lag
            if (SUBSCRIPTION_SLOT.matcher(slot.name()).matches()) {
                Tags subscription = region.and("subscription", slot.name());
                slot.lagBytes().ifPresent(bytes -> rows.add(RegionGauges.Row.of(LAG_BYTES, subscription, bytes)));
                slot.lag().ifPresent(lag -> rows.add(RegionGauges.Row.of(LAG_SECONDS, subscription, seconds(lag))));
            }
        }
    }

    private void count(FleetEvent event) {
        String region =
                event.region().isPresent() ? String.valueOf(event.region().getAsInt()) : "fleet";
        switch (event.kind()) {
            case MIGRATION_APPLIED -> {
                applied(region).increment(event.migrations().size());
                Timer durations = durations(region);
                event.migrations().forEach(run -> run.took().ifPresent(durations::record));
            }
            case MIGRATION_FAILED -> failed(region).increment();
            case WAITING, HELD, RELEASED, REJECTED -> {
                signals(signal(event.kind())).increment();
                if (event.kind() == EventKind.RELEASED) {
                    waitedFor(event);
                }
            }
            case CONNECTED, DISCONNECTED, REFUSED ->
                sessionChanges(event.kind()).increment();
            case FORCED_RELEASE ->
                Counter.builder("muster_forced_releases")
                        .description("Versions operators released by force")
                        .register(registry)
                        .increment();
            default -> {}
        }
    }

    /** A release after a wait: how long the region's version waited, from its wait's start. */
    private void waitedFor(FleetEvent released) {
        if (previous == null || released.region().isEmpty()) {
            return;
        }
        Optional<Waiting> before = previous.region(released.region().getAsInt()).flatMap(RegionState::waiting);
        before.ifPresent(wait -> releaseWaits(String.valueOf(released.region().getAsInt()))
                .record(Duration.between(wait.since(), released.at())));
    }

    /**
     * A release that followed a wait, measured from the change that allowed it (a member's
     * report, its removal, a forced release, a resume) to the Go being sent: the hub
     * decides both in one call, so they are in the same batch of events.
     */
    private void releaseLatencies(List<FleetEvent> events) {
        Optional<FleetEvent> cause = events.stream()
                .filter(event -> RELEASE_CAUSES.contains(event.kind()))
                .findFirst();
        if (cause.isEmpty() || previous == null) {
            return;
        }
        for (FleetEvent event : events) {
            if (event.kind() == EventKind.RELEASED
                    && event.region().isPresent()
                    && previous.region(event.region().getAsInt())
                            .flatMap(RegionState::waiting)
                            .isPresent()) {
                releaseLatencies(String.valueOf(event.region().getAsInt()))
                        .record(Duration.between(cause.get().at(), event.at()));
            }
        }
    }

    /**
     * A region's counters and timers from the moment it is known (a member, or an agent that
     * connected), at 0: Prometheus's rate() and increase() see the first one, and dashboards
     * have a series to draw. Once per region, so that an event costs the same in any fleet.
     */
    private void regionMeters(int number, boolean global) {
        if (!metered.add(number + (global ? "g" : ""))) {
            return;
        }
        String region = String.valueOf(number);
        applied(region);
        failed(region);
        durations(region);
        if (global) {
            releaseWaits(region);
            releaseLatencies(region);
        }
    }

    private Counter applied(String region) {
        return Counter.builder("muster_migrations_applied")
                .description("Migrations regions reported applied")
                .tag("region", region)
                .register(registry);
    }

    private Counter failed(String region) {
        return Counter.builder("muster_migrations_failed")
                .description("Migrations regions reported failed")
                .tag("region", region)
                .register(registry);
    }

    private Timer durations(String region) {
        return Timer.builder("muster_migration_duration")
                .description("How long each applied migration ran, as Flyway's history records it")
                .tag("region", region)
                .register(registry);
    }

    private Counter signals(String type) {
        return Counter.builder("muster_signals_sent")
                .description("Answers to release requests, by type")
                .tag("type", type)
                .register(registry);
    }

    private Timer releaseWaits(String region) {
        return Timer.builder("muster_release_wait")
                .description("How long a region's migration waited for release before Go")
                .tag("region", region)
                .register(registry);
    }

    private Timer releaseLatencies(String region) {
        return Timer.builder("muster_release_latency")
                .description("From the fleet change that released a waiting region (a member's report, "
                        + "its removal, a forced release, a resume) to the Go sent to it")
                .tag("region", region)
                .register(registry);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static String signal(EventKind kind) {
        return switch (kind) {
            case WAITING -> "wait";
            case HELD -> "hold";
            case RELEASED -> "go";
            default -> "reject";
        };
    }
}
