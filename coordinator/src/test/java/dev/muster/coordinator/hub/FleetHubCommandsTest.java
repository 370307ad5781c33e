package dev.muster.coordinator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the hub hands an upgrade's steps to the regions' daemons and their results back. */
class FleetHubCommandsTest {

    private static final Instant NOW = Instant.parse("2024-04-24T18:33:42Z");
    private static final int GLOBAL = 99;
    private static final String V = "20200424183342";
    private static final Step MIGRATE = new Step.Migrate(V);
    private static final StepResult DONE = new StepResult(0, List.of("Applied " + V));

    private FleetHub hub;
    private long nextSessionId;

    @BeforeEach
    void newHub() {
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** An agent session: its id, the agent process it belongs to, and everything the hub told it. */
    private record Agent(long sessionId, String instanceId, RecordingOutbox outbox) {}

    /** A session of agent process {@code instanceId} of region {@code region}'s database. */
    private Agent connect(int region, String instanceId, boolean daemon) {
        Role role = region == GLOBAL ? Role.GLOBAL : Role.REMOTE;
        AgentHello hello = new AgentHello(
                region,
                role,
                "test",
                instanceId,
                "database-of-region-" + region,
                List.of(),
                List.of(Migration.of(V, "migration " + V, V.hashCode())),
                daemon);
        Agent agent = new Agent(++nextSessionId, instanceId, new RecordingOutbox());
        assertThat(hub.hello(agent.sessionId(), "peer-" + agent.sessionId(), hello, agent.outbox()))
                .as("hello of region %d admitted", region)
                .isTrue();
        return agent;
    }

    private Agent daemon(int region) {
        return connect(region, "daemon-of-region-" + region, true);
    }

    /** {@code muster-agent migrate} run by hand: it carries out no steps. */
    private Agent migrateByHand(int region) {
        return connect(region, "migrate-of-region-" + region, false);
    }

    private static List<RecordingOutbox.Commanded> commands(Agent agent) {
        return agent.outbox().said().stream()
                .filter(RecordingOutbox.Commanded.class::isInstance)
                .map(RecordingOutbox.Commanded.class::cast)
                .toList();
    }

    private static long onlyCommandId(Agent agent) {
        List<RecordingOutbox.Commanded> commands = commands(agent);
        assertThat(commands).hasSize(1);
        return commands.get(0).commandId();
    }

    @Test
    void aCommandGoesToTheRegionsDaemonNotToAMigrateSessionOfTheSameRegion() {
        Agent byHand = migrateByHand(1);
        Agent daemon = daemon(1);
        Agent otherRegion = daemon(2);

        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);

        assertThat(commands(daemon))
                .singleElement()
                .satisfies(commanded -> assertThat(commanded.step()).isEqualTo(MIGRATE));
        assertThat(commands(byHand)).isEmpty();
        assertThat(commands(otherRegion)).isEmpty();
        assertThat(result).isNotDone();
    }

    @Test
    void everyCommandHasAnIdOfItsOwn() {
        Agent daemon = daemon(GLOBAL);

        hub.command(GLOBAL, new Step.Teardown("drop"));
        hub.command(GLOBAL, new Step.Verify());

        assertThat(commands(daemon))
                .extracting(RecordingOutbox.Commanded::step)
                .containsExactly(new Step.Teardown("drop"), new Step.Verify());
        assertThat(commands(daemon))
                .extracting(RecordingOutbox.Commanded::commandId)
                .doesNotHaveDuplicates();
    }

    @Test
    void aCommandFailsAtOnceWhenTheRegionHasNoDaemon() {
        Agent byHand = migrateByHand(1);

        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);

        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region 1 has no agent daemon connected")
                .hasMessageContaining("'migrate --to " + V + "'");
        assertThat(commands(byHand)).isEmpty();
        assertThat(hub.command(3, new Step.SetUp())).as("a region never seen").isCompletedExceptionally();
    }

    @Test
    void aResultFromTheDaemonCompletesTheCommand() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);

        hub.commandResult(daemon.sessionId(), onlyCommandId(daemon), DONE);

        assertThat(result).isCompletedWithValue(DONE);
    }

    @Test
    void aResultFromAnotherSessionOfTheSameRegionCompletesTheCommand() {
        Agent daemon = daemon(1);
        Agent byHand = migrateByHand(1);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);

        hub.commandResult(byHand.sessionId(), onlyCommandId(daemon), DONE);

        assertThat(result).isCompletedWithValue(DONE);
    }

    @Test
    void aResultOnALaterSessionAfterTheDaemonReconnectedCompletesTheCommand() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);
        long commandId = onlyCommandId(daemon);

        hub.ended(daemon.sessionId());
        Agent again = daemon(1);
        hub.commandResult(again.sessionId(), commandId, DONE);

        assertThat(result).isCompletedWithValue(DONE);
        assertThat(commands(again)).as("the step is not sent again").isEmpty();
    }

    @Test
    void aResultOnTheSessionThatSupersededTheDaemonsCompletesTheCommand() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);

        Agent renewed = daemon(1);
        hub.commandResult(renewed.sessionId(), onlyCommandId(daemon), DONE);

        assertThat(daemon.outbox().said()).contains(new RecordingOutbox.Superseded());
        assertThat(result).isCompletedWithValue(DONE);
    }

    @Test
    void aResultFromAnotherRegionsSessionIsIgnored() {
        Agent daemon = daemon(1);
        Agent otherRegion = daemon(2);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);
        long commandId = onlyCommandId(daemon);

        hub.commandResult(otherRegion.sessionId(), commandId, new StepResult(1, List.of("not mine")));

        assertThat(result).isNotDone();
        hub.commandResult(daemon.sessionId(), commandId, DONE);
        assertThat(result).as("still waiting for its own region").isCompletedWithValue(DONE);
    }

    @Test
    void aResultForACommandNeverSentIsIgnored() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);

        hub.commandResult(daemon.sessionId(), onlyCommandId(daemon) + 1000, new StepResult(1, List.of()));

        assertThat(result).isNotDone();
    }

    @Test
    void aSecondResultForTheSameCommandChangesNothing() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> result = hub.command(1, MIGRATE);
        long commandId = onlyCommandId(daemon);

        hub.commandResult(daemon.sessionId(), commandId, DONE);
        hub.commandResult(daemon.sessionId(), commandId, new StepResult(1, List.of("again")));

        assertThat(result).isCompletedWithValue(DONE);
    }

    @Test
    void aForgottenCommandIgnoresALaterResult() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> forgotten = hub.command(1, MIGRATE);
        CompletableFuture<StepResult> other = hub.command(1, new Step.SetUp());
        List<RecordingOutbox.Commanded> sent = commands(daemon);

        hub.forget(forgotten);
        hub.commandResult(daemon.sessionId(), sent.get(0).commandId(), DONE);
        hub.commandResult(daemon.sessionId(), sent.get(1).commandId(), DONE);

        assertThat(forgotten).isNotDone();
        assertThat(other).as("only the forgotten one is dropped").isCompletedWithValue(DONE);
    }

    @Test
    void forgettingACompletedOrFailedCommandIsHarmless() {
        Agent daemon = daemon(1);
        CompletableFuture<StepResult> done = hub.command(1, MIGRATE);
        hub.commandResult(daemon.sessionId(), onlyCommandId(daemon), DONE);

        hub.forget(done);
        hub.forget(hub.command(2, MIGRATE));

        assertThat(done).isCompletedWithValue(DONE);
    }

    @Test
    void aResultBeforeHelloBreaksTheProtocol() {
        assertThatThrownBy(() -> hub.commandResult(42, 1, DONE))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("before hello");
    }

    @Test
    void hasDaemonFollowsTheDaemonsSessions() {
        assertThat(hub.hasDaemon(1)).as("never connected").isFalse();

        Agent byHand = migrateByHand(1);
        assertThat(hub.hasDaemon(1)).as("only a migrate run by hand").isFalse();

        Agent daemon = daemon(1);
        assertThat(hub.hasDaemon(1)).isTrue();
        assertThat(hub.hasDaemon(2)).as("another region").isFalse();

        hub.ended(byHand.sessionId());
        assertThat(hub.hasDaemon(1)).isTrue();

        hub.ended(daemon.sessionId());
        assertThat(hub.hasDaemon(1)).isFalse();

        Agent again = daemon(1);
        assertThat(hub.hasDaemon(1)).isTrue();
        daemon(1);
        assertThat(hub.hasDaemon(1))
                .as("a reconnect of the same daemon supersedes its session")
                .isTrue();
        assertThat(again.outbox().said()).contains(new RecordingOutbox.Superseded());
    }

    @Test
    void aRefusedDaemonIsNoDaemonOfTheRegion() {
        daemon(GLOBAL);
        RecordingOutbox refused = new RecordingOutbox();

        boolean admitted = hub.hello(
                ++nextSessionId,
                "intruder",
                new AgentHello(1, Role.GLOBAL, "test", "intruder", "database-of-intruder", List.of(), List.of(), true),
                refused);

        assertThat(admitted).isFalse();
        assertThat(hub.hasDaemon(1)).isFalse();
        assertThat(hub.command(1, MIGRATE)).isCompletedExceptionally();
        assertThat(refused.said()).noneMatch(RecordingOutbox.Commanded.class::isInstance);
    }
}
