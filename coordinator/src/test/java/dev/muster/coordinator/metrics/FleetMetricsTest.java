package dev.muster.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.ManualClock;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.Installation;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.upgrade.UpgradePhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters as a real hub drives them: the figures a dashboard plots during an upgrade. */
class FleetMetricsTest {

    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";

    private final ManualClock clock = new ManualClock(Instant.parse("2024-04-24T18:33:42Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FleetHub hub;
    private long nextSession;

    @BeforeEach
    void hub() {
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), clock);
        hub.observe(new FleetMetrics(registry, clock));
    }

    @Test
    void everyKnownRegionsCountersAndTimersExistAtZeroBeforeAnythingHappens() {
        connect(GLOBAL, Role.GLOBAL, List.of());

        for (String region : List.of("1", "2", "99")) {
            assertThat(registry.get("muster_migrations_applied")
                            .tag("region", region)
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.get("muster_migrations_failed")
                            .tag("region", region)
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.get("muster_migration_duration")
                            .tag("region", region)
                            .timer()
                            .count())
                    .isZero();
        }
        assertThat(registry.get("muster_release_wait")
                        .tag("region", "99")
                        .timer()
                        .count())
                .isZero();
        for (String type : List.of("wait", "hold", "go", "reject")) {
            assertThat(registry.get("muster_signals_sent")
                            .tag("type", type)
                            .counter()
                            .count())
                    .isZero();
        }
        assertThat(registry.find("muster_release_wait").tag("region", "1").timers())
                .as("only a global waits")
                .isEmpty();
    }

    @Test
    void sessionChangesAreCountedFromZeroSoThatTheFirstRefusalIsAnIncrease() {
        for (String event : List.of("connected", "disconnected", "refused")) {
            assertThat(registry.get("muster_agent_sessions")
                            .tag("event", event)
                            .counter()
                            .count())
                    .as(event)
                    .isZero();
        }

        hub.turnedAway(EventKind.REFUSED, 1, "a client at the TLS handshake", "its certificate expired");

        assertThat(registry.get("muster_agent_sessions")
                        .tag("event", "refused")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void eachRegionShowsTheNewestVersionItHasAppliedAndHowLongItsMigrationsRan() {
        long remote = connect(1, Role.REMOTE, List.of(OLDER));

        assertThat(gauge("muster_region_applied_version", "region", "1").getId().getTag("version"))
                .isEqualTo(OLDER);
        hub.applied(remote, migration(V), Installation.ofRunTime(Duration.ofMillis(1500)));
        hub.applied(remote, migration("20200601000000"), Installation.UNKNOWN);

        assertThat(registry.find("muster_region_applied_version")
                        .tag("region", "1")
                        .gauges())
                .singleElement()
                .satisfies(info -> {
                    assertThat(info.getId().getTag("version")).isEqualTo("20200601000000");
                    assertThat(info.value()).isEqualTo(1.0);
                });
        Timer durations =
                registry.get("muster_migration_duration").tag("region", "1").timer();
        assertThat(durations.count())
                .as("only the run whose time the agent said")
                .isEqualTo(1);
        assertThat(durations.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
    }

    @Test
    void whatARegionsFirstHelloHoldsIsCountedAndTimedOnceLikeWhatItReportsLater() {
        long session = ++nextSession;
        hub.hello(
                session,
                "peer-" + session,
                new AgentHello(
                        1,
                        Role.REMOTE,
                        "test",
                        "agent-" + session,
                        "database-1",
                        migrations(List.of(OLDER, V)),
                        migrations(List.of(OLDER, V, "20200601000000")),
                        false,
                        Map.of(
                                OLDER, Installation.ofRunTime(Duration.ofMillis(100)),
                                V, Installation.ofRunTime(Duration.ofMillis(300)))),
                IGNORED);
        hub.applied(session, migration(V), Installation.ofRunTime(Duration.ofMillis(300)));
        hub.applied(session, migration("20200601000000"), Installation.ofRunTime(Duration.ofMillis(600)));

        assertThat(registry.get("muster_migrations_applied")
                        .tag("region", "1")
                        .counter()
                        .count())
                .isEqualTo(3.0);
        Timer durations =
                registry.get("muster_migration_duration").tag("region", "1").timer();
        assertThat(durations.count()).isEqualTo(3);
        assertThat(durations.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1000.0);
        assertThat(durations.max(TimeUnit.MILLISECONDS)).isEqualTo(600.0);
    }

    @Test
    void aWaitingGlobalShowsHowLongItWaitedAndHowSoonItWasReleasedAfterTheLastReport() {
        long global = connect(GLOBAL, Role.GLOBAL, List.of());
        long region1 = connect(1, Role.REMOTE, List.of());
        long region2 = connect(2, Role.REMOTE, List.of());
        hub.requestRelease(global, 1, List.of(migration(OLDER), migration(V)));
        assertThat(gauge("muster_region_waiting_seconds", "region", "99")
                        .getId()
                        .getTag("version"))
                .isEqualTo(OLDER);

        clock.advance(Duration.ofSeconds(30));
        hub.applied(region1, migration(OLDER));
        clock.advance(Duration.ofSeconds(30));
        // the global's timers exist from its hello on, at 0, so that dashboards have a series
        assertThat(registry.get("muster_release_latency")
                        .tag("region", "99")
                        .timer()
                        .count())
                .as("still waiting on region 2")
                .isZero();
        hub.applied(region2, migration(OLDER));

        assertThat(registry.find("muster_region_waiting_seconds").gauges())
                .as("released")
                .isEmpty();
        Timer waited = registry.get("muster_release_wait").tag("region", "99").timer();
        assertThat(waited.count()).isEqualTo(1);
        assertThat(waited.totalTime(TimeUnit.SECONDS)).isEqualTo(60.0);
        Timer latency =
                registry.get("muster_release_latency").tag("region", "99").timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS))
                .as("from region 2's report to the Go, not from when the wait began")
                .isZero();
        assertThat(registry.get("muster_signals_sent")
                        .tag("type", "go")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aGlobalThatNeverWaitedIsNoReleaseLatency() {
        long region1 = connect(1, Role.REMOTE, List.of());
        long region2 = connect(2, Role.REMOTE, List.of());
        hub.applied(region1, migration(OLDER));
        hub.applied(region2, migration(OLDER));
        long global = connect(GLOBAL, Role.GLOBAL, List.of());

        hub.requestRelease(global, 1, List.of(migration(OLDER)));

        assertThat(registry.get("muster_signals_sent")
                        .tag("type", "go")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("muster_release_latency")
                        .tag("region", "99")
                        .timer()
                        .count())
                .isZero();
        assertThat(registry.get("muster_release_wait")
                        .tag("region", "99")
                        .timer()
                        .count())
                .isZero();
    }

    @Test
    void eachSlotOnARemoteShowsHowFarItsSubscriptionIsBehind() {
        long remote = connect(1, Role.REMOTE, List.of());

        hub.replicationReport(remote, slotReport(OptionalLong.of(4096), Optional.of(Duration.ofMillis(2500))));
        assertThat(gauge("muster_subscription_lag_bytes", "subscription", "region_1_subscription")
                        .value())
                .isEqualTo(4096.0);
        assertThat(gauge("muster_subscription_lag_seconds", "subscription", "region_1_subscription")
                        .value())
                .isEqualTo(2.5);
        assertThat(gauge("muster_subscription_lag_seconds", "subscription", "region_1_subscription")
                        .getId()
                        .getTag("region"))
                .as("the remote's region")
                .isEqualTo("1");

        hub.replicationReport(remote, slotReport(OptionalLong.of(8192), Optional.empty()));
        assertThat(gauge("muster_subscription_lag_bytes", "subscription", "region_1_subscription")
                        .value())
                .isEqualTo(8192.0);
        assertThat(registry.find("muster_subscription_lag_seconds").gauges())
                .as("nobody streams from the slot: no lag in seconds to tell")
                .isEmpty();
    }

    @Test
    void aSlotOfATableCopyOrAStandbyIsNoSubscriptionsLag() {
        long remote = connect(1, Role.REMOTE, List.of());

        hub.replicationReport(
                remote,
                new ReplicationHealth(
                        Instant.parse("2024-04-24T18:35:00Z"),
                        List.of(),
                        Optional.empty(),
                        List.of(
                                slot("pg_16390_sync_16384_7431234567890123456"),
                                slot("standby_1"),
                                slot("region_1_subscription")),
                        Optional.empty()));

        assertThat(registry.find("muster_subscription_lag_bytes").gauges())
                .extracting(gauge -> gauge.getId().getTag("subscription"))
                .containsExactly("region_1_subscription");
        assertThat(registry.find("muster_slot_retained_wal_bytes").gauges())
                .as("every slot retains WAL")
                .hasSize(3);
    }

    private static ReplicationHealth.Slot slot(String name) {
        return new ReplicationHealth.Slot(
                name,
                true,
                OptionalLong.of(1 << 20),
                Optional.of("reserved"),
                OptionalLong.empty(),
                OptionalLong.of(512),
                Optional.of(Duration.ZERO));
    }

    @Test
    void theUpgradePhaseIsOneSeriesPerPhaseWithOneForTheCurrent() {
        AtomicReference<UpgradePhase> phase = new AtomicReference<>(UpgradePhase.IDLE);
        UpgradeMetrics.register(registry, phase::get);

        assertThat(phaseValue("idle")).isEqualTo(1.0);
        phase.set(UpgradePhase.MIGRATE_GLOBAL);

        assertThat(phaseValue("idle")).isZero();
        assertThat(phaseValue("migrate_global")).isEqualTo(1.0);
        assertThat(registry.find("muster_upgrade_phase").gauges())
                .hasSize(UpgradePhase.values().length)
                .filteredOn(gauge -> gauge.value() == 1.0)
                .hasSize(1);
    }

    private double phaseValue(String phase) {
        return registry.get("muster_upgrade_phase").tag("phase", phase).gauge().value();
    }

    private Gauge gauge(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).gauge();
    }

    private long connect(int region, Role role, List<String> applied) {
        long session = ++nextSession;
        hub.hello(
                session,
                "peer-" + session,
                new AgentHello(
                        region,
                        role,
                        "test",
                        "agent-" + session,
                        "database-" + region,
                        migrations(applied),
                        migrations(List.of(OLDER, V, "20200601000000"))),
                IGNORED);
        return session;
    }

    private static ReplicationHealth slotReport(OptionalLong lagBytes, Optional<Duration> lag) {
        return new ReplicationHealth(
                Instant.parse("2024-04-24T18:35:00Z"),
                List.of(),
                Optional.empty(),
                List.of(new ReplicationHealth.Slot(
                        "region_1_subscription",
                        lag.isPresent(),
                        OptionalLong.of(1 << 20),
                        Optional.of("reserved"),
                        OptionalLong.empty(),
                        lagBytes,
                        lag)),
                Optional.empty());
    }

    private static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    private static List<Migration> migrations(List<String> versions) {
        return versions.stream().map(FleetMetricsTest::migration).toList();
    }

    private static final Outbox IGNORED = new Outbox() {
        @Override
        public void welcome(SortedSet<Integer> memberRegions) {}

        @Override
        public void release(long requestId, Release release) {}

        @Override
        public void refuse(String reason) {}

        @Override
        public void supersede() {}

        @Override
        public void command(long commandId, Step step) {}
    };
}
