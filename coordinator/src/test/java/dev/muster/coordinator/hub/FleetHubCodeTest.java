package dev.muster.coordinator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.ManualClock;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Blocker;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.fleet.UpgradePlan;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Code put in place while the daemons run: what they read of their files, and when the coordinator asks. */
class FleetHubCodeTest {

    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";
    private static final Instant HELLO = Instant.parse("2026-12-03T12:00:00Z");

    private final ManualClock clock = new ManualClock(HELLO);
    private final List<FleetEvent> events = new ArrayList<>();
    private FleetHub hub;
    private long sessions;

    @BeforeEach
    void hub() {
        hub = new FleetHub(Fleet.withMembers(List.of(1)), clock);
        hub.observe((FleetObserver) (fleet, happened) -> events.addAll(happened));
    }

    private static List<Migration> migrations(String... versions) {
        return Stream.of(versions)
                .map(version -> Migration.of(version, "migration " + version, version.hashCode()))
                .toList();
    }

    private long daemon(int region, Role role, List<String> applied, String... available) {
        long session = ++sessions;
        hub.hello(
                session,
                "peer-" + session,
                new AgentHello(
                        region,
                        role,
                        "test",
                        "agent-" + session,
                        "database-" + region,
                        migrations(applied.toArray(String[]::new)),
                        migrations(available),
                        true),
                new RecordingOutbox());
        return session;
    }

    @Test
    void newCodeCountsAtOnceAndIsAnEvent() {
        long remote = daemon(1, Role.REMOTE, List.of(OLDER), OLDER);
        daemon(GLOBAL, Role.GLOBAL, List.of(OLDER), OLDER, V);
        assertThat(UpgradePlan.of(hub.fleet(), Optional.of(V)).blockers())
                .singleElement()
                .asString()
                .contains("region 1's code does not contain migration " + V, "its files read at " + HELLO);

        Instant read = clock.advance(Duration.ofSeconds(15));
        hub.codeRead(remote, Optional.of(migrations(OLDER, V)), read);

        assertThat(UpgradePlan.of(hub.fleet(), Optional.of(V)).blockers()).isEmpty();
        assertThat(hub.fleet().region(1).orElseThrow().codeReadAt()).contains(read);
        assertThat(events)
                .filteredOn(event -> event.kind() == EventKind.CODE)
                .singleElement()
                .satisfies(event -> assertThat(event.detail())
                        .isEqualTo("its migration files now contain 2 " + "migrations, newest " + V
                                + " (before: 1 migrations, newest " + OLDER + ")"));
    }

    @Test
    void aReadThatFoundNothingNewOnlySaysWhen() {
        long remote = daemon(1, Role.REMOTE, List.of(OLDER), OLDER);

        Instant read = clock.advance(Duration.ofMinutes(3));
        hub.codeRead(remote, Optional.empty(), read);
        hub.codeRead(remote, Optional.of(migrations(OLDER)), read);

        assertThat(hub.fleet().region(1).orElseThrow().available()).containsOnlyKeys(OLDER);
        assertThat(hub.fleet().region(1).orElseThrow().codeFreshness()).isEqualTo("its files read at " + read);
        assertThat(events).noneMatch(event -> event.kind() == EventKind.CODE);
    }

    @Test
    void aGlobalWaitingOnCodeARegionLackedWaitsOnItsMigrationOnceTheCodeIsThere() {
        long remote = daemon(1, Role.REMOTE, List.of(OLDER), OLDER);
        RecordingOutbox global = new RecordingOutbox();
        hub.hello(
                99,
                "peer-99",
                new AgentHello(
                        GLOBAL,
                        Role.GLOBAL,
                        "test",
                        "global",
                        "database-99",
                        migrations(OLDER),
                        migrations(OLDER, V),
                        false),
                global);
        hub.requestRelease(99, 1, migrations(V));
        assertThat(global.releases())
                .last()
                .isInstanceOfSatisfying(
                        Release.Wait.class,
                        wait -> assertThat(wait.blockers())
                                .extracting(Blocker::reason)
                                .singleElement()
                                .asString()
                                .contains("does not contain migration " + V));

        hub.codeRead(remote, Optional.of(migrations(OLDER, V)), clock.instant());

        assertThat(global.releases())
                .last()
                .isInstanceOfSatisfying(
                        Release.Wait.class,
                        wait -> assertThat(wait.blockers())
                                .extracting(Blocker::reason)
                                .singleElement()
                                .asString()
                                .isEqualTo("region 1 has not run migration " + V + " yet"));
    }

    @Test
    void aFileChangedUnderAnAppliedMigrationIsNamedAsSuch() {
        long remote = daemon(1, Role.REMOTE, List.of(OLDER), OLDER);
        daemon(GLOBAL, Role.GLOBAL, List.of(OLDER), OLDER);

        hub.codeRead(remote, Optional.of(List.of(Migration.of(OLDER, "migration " + OLDER, 42))), clock.instant());

        assertThat(UpgradePlan.of(hub.fleet(), Optional.of(OLDER)).blockers())
                .singleElement()
                .asString()
                .contains(
                        "region 1's file of migration " + OLDER + " changed after it was applied (checksum 42",
                        "Flyway's validate refuses");
    }

    @Test
    void aRefreshAsksEveryDaemonAndWaitsForTheAnswersOrItsPatience() throws Exception {
        RecordingOutbox answering = new RecordingOutbox();
        hub.hello(
                1,
                "peer-1",
                new AgentHello(1, Role.REMOTE, "test", "a", "database-1", migrations(), migrations(), true),
                answering);
        RecordingOutbox silent = new RecordingOutbox();
        hub.hello(
                2,
                "peer-2",
                new AgentHello(2, Role.REMOTE, "test", "b", "database-2", migrations(), migrations(), true),
                silent);
        hub.hello(
                3,
                "peer-3",
                new AgentHello(3, Role.REMOTE, "test", "c", "database-3", migrations(), migrations(), false),
                new RecordingOutbox());

        CompletableFuture<Void> refreshed = CodeRefresh.of(hub, Duration.ofMillis(300));

        assertThat(hub.regionsWithDaemons()).containsExactly(1, 2);
        RecordingOutbox.Commanded asked = commanded(answering);
        assertThat(asked.step()).isEqualTo(new Step.ReadCode());
        assertThat(commanded(silent).step()).isEqualTo(new Step.ReadCode());
        hub.commandResult(1, asked.commandId(), new StepResult(0, List.of("read")));
        assertThat(refreshed).isNotDone();
        refreshed.get(5, TimeUnit.SECONDS);
    }

    private static RecordingOutbox.Commanded commanded(RecordingOutbox outbox) {
        return outbox.said().stream()
                .filter(RecordingOutbox.Commanded.class::isInstance)
                .map(RecordingOutbox.Commanded.class::cast)
                .findFirst()
                .orElseThrow();
    }
}
