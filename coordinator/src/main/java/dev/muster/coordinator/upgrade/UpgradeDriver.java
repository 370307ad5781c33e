package dev.muster.coordinator.upgrade;

import dev.muster.common.time.Deadline;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.UpgradePlan;
import dev.muster.coordinator.fleet.Waiting;
import dev.muster.coordinator.hub.CodeRefresh;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code muster upgrade}: the whole procedure, carried out by the regions' daemons —
 * preflight, replication teardown, the remotes' migrations, the global's (gated by the
 * release rule as always), replication set up again, verification. One upgrade at a time,
 * on a thread of its own. It decides what to do from what the fleet says now, so running it
 * again after a failure goes on from where the fleet is: regions already at the target are
 * not migrated again, replication already down is not torn down again. Every step is a
 * whole agent command on its region; a failure stops the upgrade between steps.
 */
public final class UpgradeDriver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UpgradeDriver.class);
    /** How long a region's daemon may be gone while it carries out a step before the upgrade stops. */
    static final Duration DAEMON_ABSENCE = Duration.ofSeconds(60);

    private static final Duration POLL = Duration.ofMillis(500);
    /** How long verification is tried again while the copies after setup run. */
    static final Duration VERIFY_PATIENCE = Duration.ofMinutes(2);

    /**
     * @param target       the version to reach; empty for the newest the global's files contain
     * @param teardownMode "drop" or "disable"
     */
    public record Request(String target, String teardownMode, String actor, Duration stepTimeout) {}

    /** Where an upgrade tells how it goes; called on the upgrade's thread. */
    public interface Progress {
        void line(String text);

        void finished(boolean succeeded, String summary);
    }

    private final FleetHub hub;
    private final LongSupplier nanoTime;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread upgrade = new Thread(runnable, "muster-upgrade");
        upgrade.setDaemon(true);
        return upgrade;
    });
    private final AtomicReference<String> running = new AtomicReference<>();
    private volatile UpgradePhase phase = UpgradePhase.IDLE;

    public UpgradeDriver(FleetHub hub) {
        this(hub, System::nanoTime);
    }

    /** @param nanoTime a monotonic time in nanoseconds, for the upgrade's deadlines: {@link System#nanoTime} */
    UpgradeDriver(FleetHub hub, LongSupplier nanoTime) {
        this.hub = hub;
        this.nanoTime = nanoTime;
    }

    /**
     * Starts an upgrade; returns at once.
     *
     * @throws IllegalStateException when an upgrade is running already
     */
    public void start(Request request, Progress progress) {
        String what = "an upgrade" + (request.target().isBlank() ? "" : " to " + request.target()) + " started by "
                + request.actor();
        if (!running.compareAndSet(null, what)) {
            throw new IllegalStateException(running.get() + " is running; follow it with 'muster watch'");
        }
        try {
            thread.execute(() -> {
                Outcome outcome;
                try {
                    outcome = new Run(request, progress).carryOut();
                } finally {
                    phase = UpgradePhase.IDLE;
                    running.set(null);
                }
                // after it is over, so that whoever hears it may start the next one at once
                progress.finished(outcome.succeeded(), outcome.summary());
            });
        } catch (RejectedExecutionException e) {
            running.set(null);
            throw new IllegalStateException("the coordinator is stopping");
        }
    }

    /** Where the running upgrade is, or {@link UpgradePhase#IDLE}. */
    public UpgradePhase phase() {
        return phase;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Outcome(boolean succeeded, String summary) {}

    /** Why an upgrade stops; its message is for the operator. */
    private static final class Stop extends Exception {
        Stop(String message) {
            super(message);
        }
    }

    /** One upgrade, from preflight to verification. */
    private final class Run {

        private final Request request;
        private final Progress progress;
        private final long started = nanoTime.getAsLong();
        private String phaseName = "preflight";
        private String target;

        Run(Request request, Progress progress) {
            this.request = request;
            this.progress = progress;
        }

        Outcome carryOut() {
            try {
                UpgradePlan plan = preflight();
                boolean someoneBehind =
                        plan.steps().stream().anyMatch(step -> !step.versions().isEmpty());
                if (someoneBehind && replicationIsUp()) {
                    phase(UpgradePhase.TEARDOWN, "tear replication down (--mode " + request.teardownMode() + ")");
                    carryOut(global(), new Step.Teardown(request.teardownMode()));
                }
                migrate(plan);
                phase(UpgradePhase.SETUP, "set replication up again");
                for (int member : hub.fleet().members()) {
                    carryOut(member, new Step.SetUp());
                }
                carryOut(global(), new Step.SetUp());
                phase(UpgradePhase.VERIFY, "verify replication");
                verify();
                String summary = "the fleet is at " + target + " with replication verified, after "
                        + seconds(Duration.ofNanos(nanoTime.getAsLong() - started));
                hub.note(EventKind.UPGRADE, request.actor(), "upgrade done: " + summary);
                return new Outcome(true, summary);
            } catch (Stop stop) {
                String summary = "stopped at '" + phaseName + "': " + stop.getMessage()
                        + ". Every step is whole on its "
                        + "region; once this is fixed, run 'muster upgrade" + (target == null ? "" : " --to " + target)
                        + "' again to go on from here";
                log.warn("Upgrade {}", summary);
                hub.note(EventKind.UPGRADE, request.actor(), "upgrade " + summary);
                return new Outcome(false, summary);
            } catch (RuntimeException e) {
                log.error("The upgrade failed unexpectedly", e);
                hub.note(EventKind.UPGRADE, request.actor(), "upgrade failed at '" + phaseName + "': " + e);
                return new Outcome(false, "failed unexpectedly at '" + phaseName + "': " + e);
            }
        }

        private UpgradePlan preflight() throws Stop {
            // the code on disk now: an operator may have put the new release in place a moment ago
            CodeRefresh.of(hub, CodeRefresh.PATIENCE).join();
            Fleet fleet = hub.fleet();
            UpgradePlan plan;
            try {
                plan = UpgradePlan.of(fleet, Optional.of(request.target()));
            } catch (IllegalArgumentException e) {
                throw new Stop(e.getMessage());
            }
            target = plan.target();
            hub.note(EventKind.UPGRADE, request.actor(), "upgrade to " + target + " started");
            progress.line("Upgrade to " + target + ", started by " + request.actor());
            phase(UpgradePhase.PREFLIGHT, "preflight");
            List<String> problems = new ArrayList<>(plan.blockers());
            List<Integer> regions = new ArrayList<>(fleet.members());
            fleet.global().ifPresent(global -> regions.add(global.region()));
            for (int region : regions) {
                if (!hub.hasDaemon(region)) {
                    problems.add("region " + region + " has no agent daemon connected ('muster-agent run')");
                }
            }
            if (!problems.isEmpty()) {
                throw new Stop(String.join("; ", problems));
            }
            for (UpgradePlan.Step step : plan.steps()) {
                progress.line("    region " + step.region() + ": "
                        + (step.versions().isEmpty()
                                ? "at " + target
                                : step.versions().size() + " to apply, "
                                        + step.versions().get(0) + " … " + target));
            }
            return plan;
        }

        /**
         * Up while any configured subscription of the global is enabled; down when all are
         * absent or disabled. Half down (a teardown that stopped midway) counts as up, so the
         * teardown is done again; what is down already is then no reason to stop.
         */
        private boolean replicationIsUp() throws Stop {
            RegionState global = hub.fleet().region(global()).orElseThrow();
            ReplicationHealth health = global.replication()
                    .orElseThrow(
                            () -> new Stop(
                                    "the global's daemon has "
                                            + "not reported its replication yet; wait for its first report (coordinator.report_interval)"));
            boolean up = health.subscriptions().stream()
                    .anyMatch(subscription ->
                            subscription.configured() && subscription.exists() && subscription.enabled());
            if (!up) {
                progress.line("    replication is down already: not torn down again");
                return false;
            }
            List<String> problems = new ArrayList<>();
            health.unavailable()
                    .ifPresent(why -> problems.add("the global's replication state cannot be read: " + why));
            for (ReplicationHealth.Subscription subscription : health.subscriptions()) {
                if (subscription.exists() && subscription.enabled() && !subscription.workerRunning()) {
                    problems.add("subscription " + subscription.name() + " has no apply worker running");
                }
            }
            for (int member : hub.fleet().members()) {
                hub.fleet()
                        .region(member)
                        .flatMap(RegionState::replication)
                        .ifPresent(remote -> remote.problems()
                                .forEach(problem -> problems.add("region " + member + ": " + problem)));
            }
            if (!problems.isEmpty()) {
                throw new Stop("replication is not healthy, so tearing it down could hide a problem: "
                        + String.join("; ", problems));
            }
            return true;
        }

        /**
         * The remotes migrate at once, and the global's migrate goes out with theirs: it asks
         * for release and applies each version the moment every member has reported it, as a
         * global migrated by hand does, rather than starting once the remotes' steps have
         * ended. Should a remote's step fail, the global's wait is turned down: its step ends,
         * having applied only versions every member had.
         */
        private void migrate(UpgradePlan plan) throws Stop {
            int global = global();
            Map<Integer, CompletableFuture<StepResult>> remotes = new LinkedHashMap<>();
            boolean globalBehind = false;
            for (UpgradePlan.Step step : plan.steps()) {
                if (step.versions().isEmpty()) {
                    continue;
                }
                if (hub.fleet().isMember(step.region())) {
                    remotes.put(step.region(), null);
                } else if (step.region() == global) {
                    globalBehind = true;
                }
            }
            Step migrate = new Step.Migrate(target);
            Optional<CompletableFuture<StepResult>> globalStep = Optional.empty();
            if (!remotes.isEmpty()) {
                phase(UpgradePhase.MIGRATE_REMOTES, "migrate the remotes " + remotes.keySet());
                remotes.replaceAll((region, none) -> send(region, migrate));
                if (globalBehind) {
                    globalStep = Optional.of(send(global, migrate));
                    progress.line("    region " + global + " applies each version the moment every member has it");
                }
                try {
                    for (Map.Entry<Integer, CompletableFuture<StepResult>> remote : remotes.entrySet()) {
                        finish(remote.getKey(), migrate, remote.getValue());
                    }
                } catch (Stop stop) {
                    globalStep.ifPresent(pending -> withdraw(global, pending, stop));
                    throw stop;
                } finally {
                    // after a failure the others may still be migrating: their results no longer count
                    remotes.values().forEach(hub::forget);
                }
            }
            if (globalBehind) {
                phase(UpgradePhase.MIGRATE_GLOBAL, "migrate the global (each version once every member has it)");
                finish(global, migrate, globalStep.orElseGet(() -> send(global, migrate)));
            }
        }

        /**
         * Turns the global's wait down until its migrate has ended, so that a failed remote
         * leaves no step running on the global; what it applied before is every member's.
         */
        private void withdraw(int global, CompletableFuture<StepResult> pending, Stop stop) {
            String reason = "the upgrade stopped: " + stop.getMessage();
            Deadline patience = Deadline.after(request.stepTimeout(), nanoTime);
            try {
                while (!pending.isDone() && !patience.expired()) {
                    hub.withdrawRelease(global, reason);
                    try {
                        var unused = pending.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException | ExecutionException stillRunning) {
                        // asked again after a release, or gone: turned down again, or done
                    }
                }
                if (pending.isDone() && !pending.isCompletedExceptionally()) {
                    pending.join().output().forEach(line -> progress.line("    region " + global + " | " + line));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hub.forget(pending);
            }
        }

        /** Verification fails while the copy after setup is still running: it is tried again for a while. */
        private void verify() throws Stop {
            int global = global();
            Step verify = new Step.Verify();
            Deadline patience = Deadline.after(VERIFY_PATIENCE, nanoTime);
            progress.line("    region " + global + ": " + verify.describe());
            while (true) {
                StepResult result = finish(global, verify, hub.command(global, verify), false);
                boolean last = result.succeeded() || patience.expired();
                if (last) {
                    result.output().forEach(line -> progress.line("    region " + global + " | " + line));
                }
                if (result.succeeded()) {
                    return;
                }
                if (last) {
                    throw new Stop("replication verify still fails after " + VERIFY_PATIENCE.toMinutes() + " min");
                }
                sleep(Duration.ofSeconds(2));
            }
        }

        private void carryOut(int region, Step step) throws Stop {
            finish(region, step, send(region, step));
        }

        private CompletableFuture<StepResult> send(int region, Step step) {
            progress.line("    region " + region + ": " + step.describe());
            return hub.command(region, step);
        }

        private StepResult finish(int region, Step step, CompletableFuture<StepResult> pending) throws Stop {
            return finish(region, step, pending, true);
        }

        /** Waits for a step's result, showing what the global waits on meanwhile. */
        private StepResult finish(int region, Step step, CompletableFuture<StepResult> pending, boolean show)
                throws Stop {
            Deadline deadline = Deadline.after(request.stepTimeout(), nanoTime);
            Optional<Deadline> absence = Optional.empty();
            Optional<Waiting> shownWait = Optional.empty();
            try {
                while (true) {
                    try {
                        StepResult result = pending.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                        if (show) {
                            result.output().forEach(line -> progress.line("    region " + region + " | " + line));
                        }
                        if (!result.succeeded() && show) {
                            throw new Stop("'" + step.describe() + "' failed on region " + region + " (exit status "
                                    + result.exitStatus() + ")");
                        }
                        return result;
                    } catch (TimeoutException stillRunning) {
                        shownWait = showWait(region, shownWait);
                    }
                    if (hub.hasDaemon(region)) {
                        absence = Optional.empty();
                    } else if (absence.isEmpty()) {
                        absence = Optional.of(Deadline.after(DAEMON_ABSENCE, nanoTime));
                    } else if (absence.get().expired()) {
                        throw new Stop("region " + region + "'s daemon has been gone for " + DAEMON_ABSENCE.toSeconds()
                                + " s while carrying out '" + step.describe() + "'");
                    }
                    if (deadline.expired()) {
                        throw new Stop("'" + step.describe() + "' did not finish on region " + region + " within "
                                + seconds(request.stepTimeout()) + " (--step-timeout)");
                    }
                }
            } catch (ExecutionException e) {
                throw new Stop(e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stop("the coordinator is stopping");
            } finally {
                hub.forget(pending);
            }
        }

        private Optional<Waiting> showWait(int region, Optional<Waiting> shown) {
            Optional<Waiting> now = hub.fleet().region(region).flatMap(RegionState::waiting);
            if (now.isPresent() && (shown.isEmpty() || !shown.get().sameAs(now.get()))) {
                Waiting waiting = now.get();
                progress.line("    region " + region + " waits: migration " + waiting.version()
                        + waiting.held()
                                .map(held -> " is held: " + held)
                                .orElse(" waits for regions " + waiting.regions()));
            }
            return now.isPresent() ? now : shown;
        }

        private int global() throws Stop {
            return hub.fleet()
                    .global()
                    .map(RegionState::region)
                    .orElseThrow(() -> new Stop("the global region has never connected"));
        }

        private void phase(UpgradePhase next, String name) {
            phase = next;
            phaseName = name;
            progress.line("==> " + name);
            hub.note(EventKind.UPGRADE, request.actor(), "upgrade to " + target + ": " + name);
        }

        private void sleep(Duration duration) throws Stop {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stop("the coordinator is stopping");
            }
        }
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
