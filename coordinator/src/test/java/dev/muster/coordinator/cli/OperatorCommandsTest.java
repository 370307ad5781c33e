package dev.muster.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.muster.common.cli.CommandLines;
import dev.muster.common.net.HostPort;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.grpc.CoordinatorServer;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.hub.Outbox;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.ChangeReply;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.ForcedReleaseState;
import dev.muster.proto.v1.PauseState;
import dev.muster.proto.v1.RegionStatus;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.WaitState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The operator's commands, run as picocli runs them, against a real coordinator server. */
class OperatorCommandsTest {

    private static final String COORDINATOR_VERSION = "9.9.9-test";
    private static final int GLOBAL = 99;
    private static final String OLDER = "20200101000000";
    private static final String V = "20200424183342";

    /** The hub's clock stands five minutes back, so that what it records is "5m ago" to the commands. */
    private Instant recorded;

    private FleetHub hub;
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private CoordinatorServer server;
    private long nextSession;
    /** What the server's {@code stored} hands out; a test may replace it. */
    private volatile Supplier<CompletableFuture<Void>> stored = () -> CompletableFuture.completedFuture(null);

    @BeforeEach
    void startCoordinator() throws Exception {
        recorded = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.fixed(recorded, ZoneOffset.UTC));
        hub.observe((FleetObserver) (fleet, happened) -> events.addAll(happened));
        server = new CoordinatorServer(
                        new HostPort("127.0.0.1", 0),
                        TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK),
                        hub,
                        COORDINATOR_VERSION,
                        false,
                        () -> stored.get(),
                        new UpgradeDriver(hub),
                        new RefusalLog(hub, Clock.systemUTC(), new SimpleMeterRegistry()))
                .start();
    }

    @AfterEach
    void stopCoordinator() throws InterruptedException {
        server.close();
    }

    private record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /** {@code muster ARGS --coordinator 127.0.0.1:PORT}. */
    private Run muster(String... args) {
        String[] all = Stream.concat(Arrays.stream(args), Stream.of("--coordinator", "127.0.0.1:" + server.port()))
                .toArray(String[]::new);
        return musterAsIs(all);
    }

    private static Run musterAsIs(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = CommandLines.create(new MusterCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static final class SilentOutbox implements Outbox {

        @Override
        public void command(long commandId, Step step) {}

        @Override
        public void welcome(SortedSet<Integer> memberRegions) {}

        @Override
        public void release(long requestId, Release release) {}

        @Override
        public void refuse(String reason) {
            throw new AssertionError("refused: " + reason);
        }

        @Override
        public void supersede() {}
    }

    private static List<Migration> migrations(String... versions) {
        return Stream.of(versions)
                .map(version -> Migration.of(version, "migration " + version, version.hashCode()))
                .toList();
    }

    /** An agent straight on the hub; returns its session id. */
    private long connect(int region, Role role, List<String> applied, List<String> available) {
        long session = ++nextSession;
        AgentHello hello = new AgentHello(
                region,
                role,
                "test-agent",
                "instance-" + session,
                "db-" + region,
                migrations(applied.toArray(String[]::new)),
                migrations(available.toArray(String[]::new)));
        assertThat(hub.hello(session, "10.0.0." + region + ":50000", hello, new SilentOutbox()))
                .isTrue();
        return session;
    }

    private long connectGlobal() {
        return connect(GLOBAL, Role.GLOBAL, List.of(OLDER), List.of(OLDER, V));
    }

    /** A table's line as its cells: columns are set apart by at least two spaces. */
    private static List<String> cells(String line) {
        return List.of(line.split(" {2,}"));
    }

    /** How a plaintext coordinator names every operator: what a client says of itself names no one. */
    private static final String UNAUTHENTICATED = "an unauthenticated client";

    /** What the coordinator adds to a change's message when its database did not confirm it. */
    private static String notStored(String why) {
        return ", but the coordinator's database has not confirmed it (" + why + "): it is kept in memory and stored "
                + "when the database is back; a restart of the coordinator before then would lose it";
    }

    @Nested
    class Status {

        /** Region 1 is there, region 2 never connected, the global waits on it for V. */
        private void fleetHalfwayThrough() {
            long global = connectGlobal();
            connect(1, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V));
            hub.requestRelease(global, 1, migrations(V));
        }

        @Test
        void aTableWithAHeaderAndARowPerRegion() {
            fleetHalfwayThrough();

            Run run = muster("status");

            assertThat(run.exitCode()).as(run.err()).isZero();
            List<String> lines = run.lines();
            assertThat(lines.get(0))
                    .isEqualTo("Coordinator " + COORDINATOR_VERSION + ": member regions 1, 2; state in "
                            + "memory only (no database configured: a restart forgets it)");
            assertThat(lines.get(1))
                    .isEqualTo("Plaintext on a loopback address: no one is authenticated; anyone who "
                            + "can run a command on the coordinator's host drives the fleet");
            assertThat(lines.get(2)).isEmpty();
            assertThat(lines.subList(3, lines.size()))
                    .map(OperatorCommandsTest::cells)
                    .containsExactly(
                            List.of(
                                    "REGION",
                                    "ROLE",
                                    "MEMBER",
                                    "AGENT",
                                    "APPLIED",
                                    "PENDING",
                                    "WAITS ON",
                                    "REPLICATION"),
                            List.of("1", "remote", "yes", "connected", V, "0", "-", "not reported"),
                            List.of("2", "remote", "yes", "never connected", "-", "-", "-", "not reported"),
                            List.of(
                                    "99",
                                    "global",
                                    "-",
                                    "connected",
                                    OLDER,
                                    "1",
                                    V + " on region 2 since 5m ago",
                                    "not reported"));
            assertThat(run.err()).isEmpty();
        }

        @Test
        void asJsonItParsesAndMatchesTheHub() throws Exception {
            fleetHalfwayThrough();

            Run run = muster("status", "--output", "json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            FleetStatus.Builder parsed = FleetStatus.newBuilder();
            JsonFormat.parser().merge(run.out(), parsed);
            FleetStatus status = parsed.build();
            Timestamp at =
                    Timestamp.newBuilder().setSeconds(recorded.getEpochSecond()).build();
            assertThat(status.getCoordinatorVersion()).isEqualTo(COORDINATOR_VERSION);
            assertThat(status.getDurable()).isFalse();
            assertThat(status.getMemberRegionsList())
                    .containsExactlyElementsOf(hub.fleet().members());
            assertThat(status.getRegionsList())
                    .extracting(RegionStatus::getRegion)
                    .containsExactly(1, 2, GLOBAL);
            assertThat(status.getRegions(0))
                    .isEqualTo(RegionStatus.newBuilder()
                            .setRegion(1)
                            .setRole(dev.muster.proto.v1.Role.REMOTE)
                            .setMember(true)
                            .setKnown(true)
                            .setSessions(1)
                            .setLastSeen(at)
                            .setAppliedVersion(V)
                            .setNewestAvailable(V)
                            .build());
            assertThat(status.getRegions(1).getKnown()).isFalse();
            assertThat(status.getRegions(2).getWaiting())
                    .isEqualTo(WaitState.newBuilder()
                            .setVersion(V)
                            .addRegions(2)
                            .setSince(at)
                            .build());
            assertThat(status.hasPause()).isFalse();
        }
    }

    @Nested
    class Regions {

        @Test
        void addThenRemoveARegionEachOnceWithTheOperatorInTheEventLog() {
            Run added = muster("region", "add", "3");
            Run again = muster("region", "add", "3");

            assertThat(added.exitCode()).as(added.err()).isZero();
            assertThat(added.out())
                    .isEqualTo("region 3 is now a member: the global waits for it" + System.lineSeparator());
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).isEqualTo("region 3 was a member already" + System.lineSeparator());
            assertThat(hub.fleet().members()).containsExactly(1, 2, 3);
            assertThat(events)
                    .filteredOn(event -> event.kind() == EventKind.MEMBER_ADDED)
                    .singleElement()
                    .satisfies(event -> assertThat(event.actor())
                            .matches(Pattern.quote(UNAUTHENTICATED + " (from 127.0.0.1:") + "[0-9]+\\)"));

            Run removed = muster("region", "remove", "3");
            Run removedAgain = muster("region", "remove", "3");

            assertThat(removed.exitCode()).as(removed.err()).isZero();
            assertThat(removed.out())
                    .isEqualTo(
                            "region 3 is no longer a member: the global does not wait for it" + System.lineSeparator());
            assertThat(removedAgain.out()).isEqualTo("region 3 was not a member" + System.lineSeparator());
            assertThat(hub.fleet().members()).containsExactly(1, 2);
        }

        @Test
        void aRegionNumberTooLargeIsAUsageError() {
            Run run = muster("region", "add", "9223372");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err())
                    .isEqualTo("add: region 9223372 is not a region number (0 to 9223371)" + System.lineSeparator());
            assertThat(hub.fleet().members()).containsExactly(1, 2);
        }

        @Test
        void aNegativeRegionNumberIsAUsageError() {
            Run added = muster("region", "add", "-1");
            Run removed = musterAsIs("region", "remove", "--coordinator", "127.0.0.1:" + server.port(), "--", "-1");

            assertThat(added.exitCode()).isEqualTo(2);
            assertThat(added.err()).isEqualTo("add: region -1 is not a region number" + System.lineSeparator());
            assertThat(added.out()).isEmpty();
            assertThat(removed.exitCode()).isEqualTo(2);
            assertThat(removed.err()).isEqualTo("remove: region -1 is not a region number" + System.lineSeparator());
            assertThat(hub.fleet().members()).containsExactly(1, 2);
            assertThat(events).isEmpty();
        }

        @Test
        void aChangeTheDatabaseDidNotConfirmIsSaidOnStderrAndExitsOne() {
            stored = () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused"));

            Run run = muster("region", "add", "3");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err())
                    .isEqualTo("add: region 3 is now a member: the global waits for it"
                            + notStored("connection refused") + System.lineSeparator());
            assertThat(hub.fleet().members()).as("kept in memory").containsExactly(1, 2, 3);
        }

        @Test
        void listNamesMembersTheGlobalAndOtherRemotes() {
            connectGlobal();
            connect(1, Role.REMOTE, List.of(OLDER), List.of(OLDER));
            connect(7, Role.REMOTE, List.of(OLDER), List.of(OLDER));

            Run run = muster("region", "list");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.lines())
                    .containsExactly(
                            "1  member remote",
                            "2  member remote, never connected",
                            "7  remote, not a member (it gates nothing)",
                            "99  global");
        }
    }

    @Nested
    class PauseAndResume {

        @Test
        void pauseWithAReasonThenResume() {
            Run paused = muster("pause", "--reason", "maintenance window");

            assertThat(paused.exitCode()).as(paused.err()).isZero();
            assertThat(paused.out())
                    .isEqualTo(
                            "the fleet is paused: nothing is released until 'muster resume'" + System.lineSeparator());
            assertThat(hub.fleet().pause()).hasValueSatisfying(pause -> {
                assertThat(pause.reason()).isEqualTo("maintenance window");
                assertThat(pause.by()).startsWith(UNAUTHENTICATED + " (from 127.0.0.1:");
            });

            Run resumed = muster("resume");

            assertThat(resumed.exitCode()).as(resumed.err()).isZero();
            assertThat(resumed.out()).isEqualTo("the fleet goes on" + System.lineSeparator());
            assertThat(hub.fleet().paused()).isFalse();
        }

        @Test
        void pauseWithoutAReasonIsAUsageError() {
            Run run = muster("pause");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("Missing required option: '--reason=TEXT'");
            assertThat(hub.fleet().paused()).isFalse();
        }

        @Test
        void aChangeAsJsonIsTheReply() throws Exception {
            Run run = muster("pause", "--reason", "maintenance window", "--output", "json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            ChangeReply.Builder reply = ChangeReply.newBuilder();
            JsonFormat.parser().merge(run.out(), reply);
            assertThat(reply.build())
                    .isEqualTo(ChangeReply.newBuilder()
                            .setChanged(true)
                            .setStored(true)
                            .setMessage("the fleet is paused: nothing is released until 'muster resume'")
                            .build());
            assertThat(run.err()).isEmpty();
        }

        @Test
        void aChangeAsJsonThatTheDatabaseDidNotConfirmIsTheReplyAndExitsOne() throws Exception {
            stored = () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused"));

            Run run = muster("pause", "--reason", "maintenance window", "--output", "json");

            assertThat(run.exitCode()).isEqualTo(1);
            ChangeReply.Builder reply = ChangeReply.newBuilder();
            JsonFormat.parser().merge(run.out(), reply);
            assertThat(reply.build())
                    .isEqualTo(ChangeReply.newBuilder()
                            .setChanged(true)
                            .setStored(false)
                            .setMessage("the fleet is paused: nothing is released until 'muster resume'"
                                    + notStored("connection refused"))
                            .build());
            assertThat(run.err()).isEmpty();
            assertThat(hub.fleet().paused()).isTrue();
        }
    }

    @Nested
    class ForcedRelease {

        @Test
        void aVersionOfTheGlobalsFilesIsReleasedByForce() {
            connectGlobal();

            Run run = muster("release", "--force", V, "--reason", "region 2 is gone for good");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out())
                    .isEqualTo("migration " + V + " is released to the global by force" + System.lineSeparator());
            assertThat(hub.fleet().forced()).containsOnlyKeys(V);
            assertThat(hub.fleet().forced().get(V).reason()).isEqualTo("region 2 is gone for good");
        }

        @Test
        void aVersionTheGlobalsFilesLackIsAUsageError() {
            connectGlobal();

            Run run = muster("release", "--force", "20991231000000", "--reason", "typo");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err())
                    .isEqualTo("release: the global region 99's migration files do not contain "
                            + "20991231000000 (its newest is " + V + ")" + System.lineSeparator());
            assertThat(hub.fleet().forced()).isEmpty();
        }

        @Test
        void aBlankVersionIsAUsageError() {
            connectGlobal();

            Run run = muster("release", "--force", " ", "--reason", "region 2 is gone for good");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("release: name the migration version to release" + System.lineSeparator());
            assertThat(hub.fleet().forced()).isEmpty();
        }

        @Test
        void withoutAReasonIsAUsageError() {
            Run run = muster("release", "--force", V);

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("Missing required option: '--reason=TEXT'");
        }
    }

    @Nested
    class Plan {

        @Test
        void printsTheStepsAndExitsZeroWhenNothingBlocks() {
            connectGlobal();
            connect(1, Role.REMOTE, List.of(OLDER), List.of(OLDER, V));
            connect(2, Role.REMOTE, List.of(OLDER), List.of(OLDER, V));

            Run run = muster("plan", "--to", V);

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.lines())
                    .containsExactly(
                            "Plan to reach migration " + V + ":",
                            "  1. region 1: 1 to apply: " + V,
                            "  2. region 2: 1 to apply: " + V,
                            "  3. global region 99: 1 to apply: " + V + " (each once every member has applied it)",
                            "Nothing blocks it.");
        }

        @Test
        void printsTheStepsAndWhatBlocksAndExitsOne() {
            connectGlobal();
            connect(1, Role.REMOTE, List.of(OLDER, V), List.of(OLDER, V));
            hub.ended(connect(2, Role.REMOTE, List.of(OLDER), List.of(OLDER, V)));

            Run run = muster("plan", "--to", V);

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.lines())
                    .containsExactly(
                            "Plan to reach migration " + V + ":",
                            "  1. region 1: nothing to apply",
                            "  2. region 2: 1 to apply: " + V,
                            "       blocked: region 2's agent is not connected",
                            "  3. global region 99: 1 to apply: " + V + " (each once every member has applied it)",
                            "Blocked:",
                            "  - region 2's agent is not connected");
        }

        @Test
        void aStepWhoseVersionsAreUnknownIsNotKnownYetWithItsBlockersUnderIt() {
            connectGlobal();
            connect(1, Role.REMOTE, List.of(OLDER), List.of(OLDER));

            Run run = muster("plan", "--to", V);

            String lacksTarget = "region 1's code does not contain migration " + V + " (its newest is " + OLDER
                    + ", its files read at " + recorded + "): it needs code that does";
            String neverConnected = "region 2 has never connected, so its migrations are unknown";
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.lines())
                    .containsExactly(
                            "Plan to reach migration " + V + ":",
                            "  1. region 1: not known yet",
                            "       blocked: " + lacksTarget,
                            "  2. region 2: not known yet",
                            "       blocked: " + neverConnected,
                            "  3. global region 99: 1 to apply: " + V + " (each once every member has applied it)",
                            "Blocked:",
                            "  - " + lacksTarget,
                            "  - " + neverConnected);
        }

        @Test
        void withoutAKnownGlobalOrATargetItIsRejected() {
            Run run = muster("plan");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .isEqualTo("plan: the global region has never connected, so name the target version"
                            + System.lineSeparator());
        }
    }

    @Nested
    class Reaching {

        @Test
        void anUnreachableCoordinatorExits69NamingTheAddressAndTheServeCommand() throws Exception {
            int free;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                free = socket.getLocalPort();
            }

            Run run = musterAsIs("status", "--coordinator", "127.0.0.1:" + free);

            assertThat(run.exitCode()).isEqualTo(69);
            assertThat(run.err())
                    .startsWith("status: cannot reach the coordinator at 127.0.0.1:" + free + " (UNAVAILABLE")
                    .contains("is 'muster serve' running there?");
            assertThat(run.out()).isEmpty();
        }

        @Test
        void anAddressThatIsNotHostAndPortIsAUsageError() {
            Run run = musterAsIs("status", "--coordinator", "not-an-address");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err())
                    .isEqualTo("status: --coordinator not-an-address: 'not-an-address' is not of the "
                            + "form host:port" + System.lineSeparator());
        }
    }

    @Nested
    class View {

        private final Instant now = Instant.parse("2024-04-24T18:33:42Z");

        private Timestamp before(Duration age) {
            Instant at = now.minus(age);
            return Timestamp.newBuilder()
                    .setSeconds(at.getEpochSecond())
                    .setNanos(at.getNano())
                    .build();
        }

        @Test
        void agoSaysHowLongAgoInTheLargestUnits() {
            assertThat(StatusView.ago(before(Duration.ZERO), now)).isEqualTo("just now");
            assertThat(StatusView.ago(before(Duration.ofMillis(999)), now)).isEqualTo("just now");
            assertThat(StatusView.ago(before(Duration.ofSeconds(-30)), now))
                    .as("a clock ahead")
                    .isEqualTo("just now");
            assertThat(StatusView.ago(before(Duration.ofSeconds(1)), now)).isEqualTo("1s ago");
            assertThat(StatusView.ago(before(Duration.ofSeconds(59)), now)).isEqualTo("59s ago");
            assertThat(StatusView.ago(before(Duration.ofMinutes(5)), now)).isEqualTo("5m ago");
            assertThat(StatusView.ago(before(Duration.ofMinutes(5).plusSeconds(59)), now))
                    .isEqualTo("5m ago");
            assertThat(StatusView.ago(before(Duration.ofHours(2)), now)).isEqualTo("2h ago");
            assertThat(StatusView.ago(before(Duration.ofHours(2).plusMinutes(3)), now))
                    .isEqualTo("2h3m ago");
            assertThat(StatusView.ago(before(Duration.ofHours(23).plusMinutes(59)), now))
                    .isEqualTo("23h59m ago");
            assertThat(StatusView.ago(before(Duration.ofDays(3).plusHours(5)), now))
                    .isEqualTo("3d ago");
        }

        @Test
        void renderShowsThePauseForcedReleasesAndEveryRegion() {
            FleetStatus status = FleetStatus.newBuilder()
                    .setCoordinatorVersion("1.2.3")
                    .addAllMemberRegions(List.of(1, 2))
                    .setDurable(true)
                    .setPause(PauseState.newBuilder()
                            .setReason("maintenance window")
                            .setBy("operator alice@ops-1")
                            .setAt(before(Duration.ofMinutes(5))))
                    .addForcedReleases(ForcedReleaseState.newBuilder()
                            .setVersion(V)
                            .setReason("region 2 is gone")
                            .setBy("operator bob@ops-2")
                            .setAt(before(Duration.ofHours(2).plusMinutes(3))))
                    .addRegions(RegionStatus.newBuilder()
                            .setRegion(1)
                            .setRole(dev.muster.proto.v1.Role.REMOTE)
                            .setMember(true)
                            .setKnown(true)
                            .setSessions(2)
                            .setAppliedVersion(V)
                            .setReplication(ReplicationReport.getDefaultInstance()))
                    .addRegions(RegionStatus.newBuilder()
                            .setRegion(2)
                            .setRole(dev.muster.proto.v1.Role.REMOTE)
                            .setMember(true)
                            .setKnown(true)
                            .setLastSeen(before(Duration.ofDays(3)))
                            .setAppliedVersion(OLDER)
                            .setPending(1)
                            .setReplication(ReplicationReport.getDefaultInstance())
                            .addReplicationProblems("publication miq does not exist")
                            .addReplicationProblems("slot region_2 is lost"))
                    .addRegions(RegionStatus.newBuilder()
                            .setRegion(3)
                            .setRole(dev.muster.proto.v1.Role.REMOTE)
                            .setMember(true)
                            .setKnown(false))
                    .addRegions(RegionStatus.newBuilder()
                            .setRegion(7)
                            .setRole(dev.muster.proto.v1.Role.REMOTE)
                            .setMember(false)
                            .setKnown(true)
                            .setSessions(1)
                            .setWaiting(WaitState.newBuilder()
                                    .setVersion(V)
                                    .addRegions(1)
                                    .addRegions(2)
                                    .setSince(before(Duration.ofSeconds(10)))))
                    .addRegions(RegionStatus.newBuilder()
                            .setRegion(GLOBAL)
                            .setRole(dev.muster.proto.v1.Role.GLOBAL)
                            .setKnown(true)
                            .setSessions(1)
                            .setAppliedVersion(OLDER)
                            .setPending(1)
                            .setWaiting(WaitState.newBuilder()
                                    .setVersion(V)
                                    .setHeld("the fleet was paused")
                                    .setSince(before(Duration.ofMinutes(4)))))
                    .build();

            String text = StatusView.render(status, now);

            assertThat(text)
                    .isEqualTo(String.join(
                            "\n",
                            "Coordinator 1.2.3: member regions 1, 2; state kept in its database",
                            "PAUSED by operator alice@ops-1 5m ago: maintenance window ('muster resume' lets it go on)",
                            "Released by force: 20200424183342 by operator bob@ops-2 2h3m ago: region 2 is gone",
                            "",
                            "REGION  ROLE    MEMBER  AGENT                   APPLIED         PENDING  "
                                    + "WAITS ON                                        REPLICATION",
                            "1       remote  yes     connected (2 sessions)  20200424183342  0        "
                                    + "-                                               healthy",
                            "2       remote  yes     last seen 3d ago        20200101000000  1        "
                                    + "-                                               publication miq does not exist (+1 more)",
                            "3       remote  yes     never connected         -               -        "
                                    + "-                                               not reported",
                            "7       remote  no      connected               -               0        "
                                    + "20200424183342 on regions 1, 2 since 10s ago    not reported",
                            "99      global  -       connected               20200101000000  1        "
                                    + "20200424183342 held: fleet paused since 4m ago  not reported"));
        }

        @Test
        void renderWithoutMembersSaysNone() {
            String text = StatusView.render(
                    FleetStatus.newBuilder().setCoordinatorVersion("1.2.3").build(), now);

            assertThat(text)
                    .isEqualTo("Coordinator 1.2.3: member regions none; state in memory only (no database "
                            + "configured: a restart forgets it)\n\n"
                            + "REGION  ROLE  MEMBER  AGENT  APPLIED  PENDING  WAITS ON  REPLICATION");
        }
    }
}
