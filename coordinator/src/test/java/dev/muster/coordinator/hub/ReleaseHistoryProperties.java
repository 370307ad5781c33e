package dev.muster.coordinator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Randomized histories of a fleet, played against the real hub and release rule: remotes
 * commit migrations and report them (or not), agents connect with hellos that may be stale,
 * disconnect and come back, the global asks and applies what it is let go, operators add and
 * remove members, pause, resume and release by force. A model keeps what each remote really
 * committed. After every step, each Go the global received is checked against it:
 *
 * <ul>
 *   <li><b>safety</b>: every version released had been committed by every member of the
 *       fleet at that moment, or was released by force, and nothing was released while
 *       the fleet was paused;
 *   <li><b>no hang</b>: once the faults stop (the fleet resumed, every member caught up and
 *       connected with a fresh hello), the global's request is released at once.
 * </ul>
 */
class ReleaseHistoryProperties {

    static final int GLOBAL = 99;
    /** Remotes 1 and 2 begin as members; 3 is a remote an operator may add. */
    static final List<Integer> REMOTES = List.of(1, 2, 3);

    static final List<String> VERSIONS = List.of("1", "2", "3", "4");

    /** One step of a history. */
    sealed interface Step {}

    /** {@code region} commits its next migration; it reports it at once if {@code reported} and connected. */
    record Commit(int region, boolean reported) implements Step {}

    /** {@code region}'s agent sends every report it has not sent yet. */
    record Report(int region) implements Step {}

    /** {@code region}'s agent (re)connects; its hello misses its last {@code staleBy} commits. */
    record Connect(int region, int staleBy) implements Step {}

    record Disconnect(int region) implements Step {}

    record GlobalConnects() implements Step {}

    record GlobalAsks() implements Step {}

    record GlobalApplies() implements Step {}

    record AddMember(int region) implements Step {}

    record RemoveMember(int region) implements Step {}

    record Pause() implements Step {}

    record Resume() implements Step {}

    record Force(String version) implements Step {}

    @Property(tries = 300)
    void theGlobalIsReleasedOnlyWhatEveryMemberCommittedAndIsReleasedOnceTheFaultsStop(
            @ForAll("histories") List<Step> history) {
        Run run = new Run();
        for (Step step : history) {
            run.play(step);
            run.checkEveryGoSinceLastLook();
        }
        run.settle();
        assertThat(run.lastAnswer())
                .as("the global's answer once every member caught up, after %s", history)
                .isEqualTo(new Release.Go(VERSIONS.get(VERSIONS.size() - 1)));
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Integer> remote = Arbitraries.of(REMOTES);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(
                        6,
                        Combinators.combine(remote, Arbitraries.of(true, false)).as(Commit::new)),
                Tuple.of(3, remote.map(Report::new)),
                Tuple.of(
                        4,
                        Combinators.combine(remote, Arbitraries.integers().between(0, 1))
                                .as(Connect::new)),
                Tuple.of(2, remote.map(Disconnect::new)),
                Tuple.of(2, Arbitraries.just(new GlobalConnects())),
                Tuple.of(4, Arbitraries.just(new GlobalAsks())),
                Tuple.of(4, Arbitraries.just(new GlobalApplies())),
                Tuple.of(1, remote.map(AddMember::new)),
                Tuple.of(1, remote.map(RemoveMember::new)),
                Tuple.of(1, Arbitraries.just(new Pause())),
                Tuple.of(1, Arbitraries.just(new Resume())),
                Tuple.of(1, Arbitraries.of(VERSIONS).map(Force::new)));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    /** One history's hub, the agents' sessions and the model of what really happened. */
    static final class Run {

        private final FleetHub hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.systemUTC());
        /** How many of VERSIONS each region has really committed (in order). */
        private final Map<Integer, Integer> committed = new HashMap<>();
        /** How many of its commits each remote's agent has told the hub, on some session. */
        private final Map<Integer, Integer> reported = new HashMap<>();

        private final Map<Integer, Long> sessions = new HashMap<>();
        private final Set<String> forced = new HashSet<>();
        private long nextSession;
        private long nextRequest;
        private RecordingOutbox globalOutbox;
        private long globalRequest;
        private List<String> asked = List.of();
        private int answersSeen;
        private Release lastAnswer;

        void play(Step step) {
            if (step instanceof Commit commit) {
                commit(commit.region(), commit.reported());
            } else if (step instanceof Report report) {
                report(report.region());
            } else if (step instanceof Connect connect) {
                connect(connect.region(), connect.staleBy());
            } else if (step instanceof Disconnect disconnect) {
                disconnect(disconnect.region());
            } else if (step instanceof GlobalConnects) {
                connectGlobal();
            } else if (step instanceof GlobalAsks) {
                ask();
            } else if (step instanceof GlobalApplies) {
                apply();
            } else if (step instanceof AddMember add) {
                hub.addMember(add.region(), "operator");
            } else if (step instanceof RemoveMember remove) {
                hub.removeMember(remove.region(), "operator");
            } else if (step instanceof Pause) {
                hub.pause("maintenance", "operator");
            } else if (step instanceof Resume) {
                hub.resume("operator");
            } else if (step instanceof Force force) {
                force(force.version());
            }
        }

        private void commit(int region, boolean reportNow) {
            int done = committed.getOrDefault(region, 0);
            if (done == VERSIONS.size()) {
                return;
            }
            committed.put(region, done + 1);
            if (reportNow) {
                report(region);
            }
        }

        private void report(int region) {
            Long session = sessions.get(region);
            if (session == null) {
                return;
            }
            int done = committed.getOrDefault(region, 0);
            for (int i = reported.getOrDefault(region, 0); i < done; i++) {
                hub.applied(session, migration(VERSIONS.get(i)));
            }
            reported.put(region, done);
        }

        private void connect(int region, int staleBy) {
            disconnect(region);
            int known = Math.max(0, committed.getOrDefault(region, 0) - staleBy);
            long session = ++nextSession;
            AgentHello hello = new AgentHello(
                    region,
                    Role.REMOTE,
                    "test",
                    "agent-of-" + region,
                    "database-of-" + region,
                    migrations(VERSIONS.subList(0, known)),
                    migrations(VERSIONS));
            assertThat(hub.hello(session, "peer", hello, new RecordingOutbox()))
                    .as("region %d's hello admitted", region)
                    .isTrue();
            sessions.put(region, session);
            // what the stale hello missed is reported again on this session, later
            reported.put(region, known);
        }

        private void disconnect(int region) {
            Long session = sessions.remove(region);
            if (session != null) {
                hub.ended(session);
            }
        }

        private void connectGlobal() {
            disconnect(GLOBAL);
            long session = ++nextSession;
            globalOutbox = new RecordingOutbox();
            answersSeen = 0;
            asked = List.of();
            AgentHello hello = new AgentHello(
                    GLOBAL,
                    Role.GLOBAL,
                    "test",
                    "agent-of-global",
                    "database-of-global",
                    migrations(VERSIONS.subList(0, committed.getOrDefault(GLOBAL, 0))),
                    migrations(VERSIONS));
            assertThat(hub.hello(session, "peer", hello, globalOutbox))
                    .as("the global's hello admitted")
                    .isTrue();
            sessions.put(GLOBAL, session);
        }

        private void ask() {
            Long session = sessions.get(GLOBAL);
            List<String> pending = VERSIONS.subList(committed.getOrDefault(GLOBAL, 0), VERSIONS.size());
            if (session == null || pending.isEmpty()) {
                return;
            }
            globalRequest = ++nextRequest;
            asked = List.copyOf(pending);
            hub.requestRelease(session, globalRequest, migrations(pending));
        }

        /** The global applies what the last Go to its current request let go, reporting each. */
        private void apply() {
            if (!(lastAnswer instanceof Release.Go go) || asked.isEmpty() || sessions.get(GLOBAL) == null) {
                return;
            }
            int upTo = VERSIONS.indexOf(go.upToVersion()) + 1;
            for (int i = committed.getOrDefault(GLOBAL, 0); i < upTo; i++) {
                hub.applied(sessions.get(GLOBAL), migration(VERSIONS.get(i)));
            }
            committed.put(GLOBAL, Math.max(committed.getOrDefault(GLOBAL, 0), upTo));
            asked = List.of();
            lastAnswer = null;
        }

        private void force(String version) {
            try {
                if (hub.forceRelease(version, "an operator's decision", "operator")) {
                    forced.add(version);
                }
            } catch (IllegalArgumentException notInTheGlobalsFiles) {
                // the global never said hello: nothing to force yet
            }
        }

        /**
         * Every answer the global received since the last look: a Go must let go only versions
         * every member has committed (or forced ones), and never while the fleet is paused.
         */
        void checkEveryGoSinceLastLook() {
            if (globalOutbox == null) {
                return;
            }
            List<RecordingOutbox.Answered> answers = globalOutbox.answers();
            for (RecordingOutbox.Answered answer : answers.subList(answersSeen, answers.size())) {
                if (answer.requestId() != globalRequest) {
                    continue;
                }
                lastAnswer = answer.release();
                if (answer.release() instanceof Release.Go go) {
                    assertThat(asked).as("the versions asked for").contains(go.upToVersion());
                    Fleet fleet = hub.fleet();
                    assertThat(fleet.paused())
                            .as("released %s while paused", go)
                            .isFalse();
                    for (String version : asked.subList(0, asked.indexOf(go.upToVersion()) + 1)) {
                        if (forced.contains(version)) {
                            continue;
                        }
                        for (int member : fleet.members()) {
                            assertThat(committed.getOrDefault(member, 0))
                                    .as("member %d's commits when %s was released to the global", member, version)
                                    .isGreaterThanOrEqualTo(VERSIONS.indexOf(version) + 1);
                        }
                    }
                }
            }
            answersSeen = answers.size();
        }

        /** The faults stop: resumed, every member commits the rest and says so in a fresh hello, the global asks. */
        void settle() {
            hub.resume("operator");
            for (int member : hub.fleet().members()) {
                committed.put(member, VERSIONS.size());
                connect(member, 0);
            }
            connectGlobal();
            ask();
            checkEveryGoSinceLastLook();
        }

        Release lastAnswer() {
            return committed.getOrDefault(GLOBAL, 0) == VERSIONS.size()
                    ? new Release.Go(VERSIONS.get(VERSIONS.size() - 1))
                    : lastAnswer;
        }
    }

    static Migration migration(String version) {
        return Migration.of(version, "migration " + version, version.hashCode());
    }

    static List<Migration> migrations(List<String> versions) {
        List<Migration> migrations = new ArrayList<>();
        versions.forEach(version -> migrations.add(migration(version)));
        return migrations;
    }
}
