package dev.muster.coordinator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.ManualClock;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.MigrationRun;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hello is read from the region's Flyway history before it is sent, while another agent
 * of the same database (the daemon, or migrate run by hand) may commit and report a
 * migration: what the hub believes must not go back to what an older reading said.
 */
class FleetHubHelloSnapshotTest {

    private static final Instant NOW = Instant.parse("2024-04-24T18:33:42Z");
    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";
    private static final String NEWER = "20200601000000";
    private static final String DATABASE = "7312345678901234567/vmdb_production";

    private ManualClock clock;
    private FleetHub hub;
    private final List<FleetEvent> events = new ArrayList<>();
    private long nextSessionId;

    @BeforeEach
    void newHub() {
        clock = new ManualClock(NOW);
        hub = new FleetHub(Fleet.withMembers(List.of(1)), clock);
        hub.observe((fleet, happened) -> events.addAll(happened));
    }

    private static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    /** A row of Flyway's history: a version and its installed_rank. */
    private record Row(String version, int rank) {}

    private static Row row(String version, int rank) {
        return new Row(version, rank);
    }

    /**
     * The hello of a new agent process of region 1's database whose reading of the history
     * found {@code history}; each row ran for 100 ms times its rank.
     */
    private static AgentHello remoteHello(String instanceId, String databaseId, Row... history) {
        Map<String, Installation> installations = new LinkedHashMap<>();
        for (Row row : history) {
            installations.put(
                    row.version(),
                    new Installation(OptionalInt.of(row.rank()), Optional.of(Duration.ofMillis(row.rank() * 100L))));
        }
        return new AgentHello(
                1,
                Role.REMOTE,
                "test",
                instanceId,
                databaseId,
                Stream.of(history).map(row -> migration(row.version())).toList(),
                List.of(migration(OLDER), migration(V), migration(NEWER)),
                false,
                installations);
    }

    private long connect(AgentHello hello) {
        long sessionId = ++nextSessionId;
        assertThat(hub.hello(sessionId, "peer-" + sessionId, hello, new RecordingOutbox()))
                .isTrue();
        return sessionId;
    }

    private static Installation ranked(int rank) {
        return new Installation(OptionalInt.of(rank), Optional.of(Duration.ofMillis(250)));
    }

    private List<String> appliedOnRegion1() {
        return List.copyOf(hub.fleet().region(1).orElseThrow().applied().keySet());
    }

    private long migrationEvents(String version) {
        return events.stream()
                .filter(event -> event.kind() == EventKind.MIGRATION_APPLIED)
                .filter(event -> event.detail().startsWith(version + " "))
                .count();
    }

    @Test
    void aHelloReadBeforeAMigrationCommittedDoesNotUndoItsReport() {
        RecordingOutbox global = new RecordingOutbox();
        hub.hello(
                ++nextSessionId,
                "peer-global",
                new AgentHello(
                        GLOBAL,
                        Role.GLOBAL,
                        "test",
                        "global",
                        "global-db",
                        List.of(migration(OLDER)),
                        List.of(migration(OLDER), migration(V))),
                global);
        long globalSession = nextSessionId;
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        hub.applied(migrate, migration(V), ranked(2));
        hub.requestRelease(globalSession, 1, List.of(migration(V)));
        assertThat(global.releases()).containsExactly(new Release.Go(V));

        // the daemon read the history (OLDER only) before V committed; its hello arrives now
        clock.advance(Duration.ofSeconds(5));
        connect(remoteHello("daemon", DATABASE, row(OLDER, 1)));

        assertThat(appliedOnRegion1()).containsExactly(OLDER, V);
        hub.requestRelease(globalSession, 2, List.of(migration(V)));
        assertThat(global.releases()).containsExactly(new Release.Go(V), new Release.Go(V));
    }

    @Test
    void aHelloReadAfterwardsThatLacksTheMigrationIsBelieved() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        hub.applied(migrate, migration(V), ranked(2));

        // its history has a row ranked above V's, and no V: V's row was taken out of it
        connect(remoteHello("daemon", DATABASE, row(OLDER, 1), row(NEWER, 3)));

        assertThat(appliedOnRegion1()).containsExactly(OLDER, NEWER);
    }

    @Test
    void aHelloArrivingLongAfterTheReportIsBelieved() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        hub.applied(migrate, migration(V), ranked(2));

        // no hello is that old: the database was recreated or restored since
        clock.advance(HistoryRanks.MAX_HELLO_AGE.plusSeconds(1));
        connect(remoteHello("daemon", DATABASE, row(OLDER, 1)));

        assertThat(appliedOnRegion1()).containsExactly(OLDER);
    }

    @Test
    void hearingOfAMigrationAgainDoesNotMakeItNewerThanItIs() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        hub.applied(migrate, migration(V), ranked(2));
        clock.advance(HistoryRanks.MAX_HELLO_AGE.dividedBy(2));
        connect(remoteHello("daemon", DATABASE, row(OLDER, 1), row(V, 2)));
        hub.applied(migrate, migration(V), ranked(2)); // re-sent after a reconnect

        clock.advance(HistoryRanks.MAX_HELLO_AGE.dividedBy(2).plusSeconds(1));
        connect(remoteHello("restored", DATABASE, row(OLDER, 1)));

        assertThat(appliedOnRegion1())
                .as("first heard of longer ago than any hello can be old")
                .containsExactly(OLDER);
    }

    @Test
    void twoHellosReadBeforeTheMigrationCommittedBothLeaveIt() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        hub.applied(migrate, migration(V), ranked(2));

        connect(remoteHello("daemon", DATABASE, row(OLDER, 1)));
        connect(remoteHello("daemon, reconnected", DATABASE, row(OLDER, 1)));

        assertThat(appliedOnRegion1()).containsExactly(OLDER, V);
        assertThat(migrationEvents(V)).isEqualTo(1);
    }

    @Test
    void aHelloOfAnotherDatabaseOrWithoutRanksIsBelieved() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        hub.applied(migrate, migration(V), ranked(2));
        hub.ended(migrate);

        long other = connect(remoteHello("other", "another-database", row(OLDER, 1)));
        assertThat(appliedOnRegion1()).as("another database's history").containsExactly(OLDER);
        hub.ended(other);

        long again = connect(remoteHello("migrate-again", DATABASE, row(OLDER, 1)));
        hub.applied(again, migration(V), ranked(2));
        connect(new AgentHello(
                1,
                Role.REMOTE,
                "older agent",
                "older",
                DATABASE,
                List.of(migration(OLDER)),
                List.of(migration(OLDER), migration(V))));
        assertThat(appliedOnRegion1()).as("an agent too old to say ranks").containsExactly(OLDER);
    }

    @Test
    void whatARegionAppliedWhileNoSessionSpokeForItIsRecordedWhenItsHelloSaysSo() {
        long first = connect(remoteHello("before", DATABASE, row(OLDER, 1)));
        hub.ended(first);

        connect(remoteHello("after", DATABASE, row(OLDER, 1), row(V, 2)));

        assertThat(appliedOnRegion1()).containsExactly(OLDER, V);
        assertThat(migrationEvents(V)).isEqualTo(1);
        FleetEvent applied = events.stream()
                .filter(event -> event.kind() == EventKind.MIGRATION_APPLIED)
                .filter(event -> event.detail().startsWith(V + " "))
                .findFirst()
                .orElseThrow();
        assertThat(applied.migrations())
                .as("as its history recorded it")
                .containsExactly(new MigrationRun(V, Optional.of(Duration.ofMillis(200))));
        assertThat(migrationEvents(OLDER)).as("known since the first hello").isZero();
    }

    @Test
    void aMigrationReportedBothByAHelloAndByAReportIsRecordedOnce() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1)));
        // the daemon read the history after V committed, and its hello overtook migrate's report
        connect(remoteHello("daemon", DATABASE, row(OLDER, 1), row(V, 2)));
        hub.applied(migrate, migration(V), ranked(2));

        assertThat(appliedOnRegion1()).containsExactly(OLDER, V);
        assertThat(migrationEvents(V)).isEqualTo(1);
    }

    @Test
    void theFirstHelloOfARegionRecordsItsMigrationsAsOneEventWithEveryRunTime() {
        connect(remoteHello("first", DATABASE, row(OLDER, 1), row(V, 2)));

        assertThat(events)
                .extracting(FleetEvent::kind)
                .containsExactly(EventKind.CONNECTED, EventKind.MIGRATION_APPLIED);
        FleetEvent applied = events.get(1);
        assertThat(applied.region()).hasValue(1);
        assertThat(applied.actor()).isEqualTo("region 1's agent");
        assertThat(applied.detail())
                .isEqualTo("2 migrations applied before the coordinator knew of the region, from " + OLDER + " to " + V
                        + "; 300 ms in all");
        assertThat(applied.migrations())
                .containsExactly(
                        new MigrationRun(OLDER, Optional.of(Duration.ofMillis(100))),
                        new MigrationRun(V, Optional.of(Duration.ofMillis(200))));
        assertThat(migrationEvents(OLDER) + migrationEvents(V))
                .as("none one by one")
                .isZero();
    }

    @Test
    void aLongLivedRegionsFirstHelloIsOneEventHoweverManyMigrationsItHolds() {
        Row[] history = IntStream.rangeClosed(1, 400)
                .mapToObj(rank -> row(String.valueOf(20100000000000L + rank), rank))
                .toArray(Row[]::new);

        connect(remoteHello("first", DATABASE, history));

        assertThat(events)
                .extracting(FleetEvent::kind)
                .containsExactly(EventKind.CONNECTED, EventKind.MIGRATION_APPLIED);
        assertThat(events.get(1).detail())
                .startsWith("400 migrations applied before the coordinator knew of the region, from 20100000000001 to "
                        + "20100000000400; ");
        assertThat(events.get(1).migrations())
                .hasSize(400)
                .allSatisfy(run -> assertThat(run.took()).isPresent());
    }

    @Test
    void aFirstHelloThatDoesNotSayEveryRunTimeSaysHowManyItTimed() {
        Map<String, Installation> installations = Map.of(V, ranked(2));
        connect(new AgentHello(
                1,
                Role.REMOTE,
                "test",
                "first",
                DATABASE,
                List.of(migration(OLDER), migration(V)),
                List.of(migration(OLDER), migration(V)),
                false,
                installations));

        FleetEvent applied = events.get(1);
        assertThat(applied.detail()).endsWith("; 250 ms in all for the 1 whose run time it says");
        assertThat(applied.migrations())
                .containsExactly(
                        new MigrationRun(OLDER, Optional.empty()),
                        new MigrationRun(V, Optional.of(Duration.ofMillis(250))));
    }

    @Test
    void aFirstHelloWithNothingAppliedRecordsOnlyTheConnection() {
        connect(remoteHello("first", DATABASE));

        assertThat(events).extracting(FleetEvent::kind).containsExactly(EventKind.CONNECTED);
    }

    @Test
    void whatTheFirstHelloHeldIsNotRecordedAgainWhenReportedOrHelloedAgain() {
        long migrate = connect(remoteHello("migrate", DATABASE, row(OLDER, 1), row(V, 2)));

        hub.applied(migrate, migration(V), ranked(2)); // a report made before the hello was read
        connect(remoteHello("daemon", DATABASE, row(OLDER, 1), row(V, 2)));

        assertThat(events)
                .filteredOn(event -> event.kind() == EventKind.MIGRATION_APPLIED)
                .singleElement()
                .satisfies(event -> assertThat(event.migrations())
                        .extracting(MigrationRun::version)
                        .containsExactly(OLDER, V));
    }
}
