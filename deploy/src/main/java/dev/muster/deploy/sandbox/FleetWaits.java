package dev.muster.deploy.sandbox;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.time.Deadline;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.fleet.RegionState;
import dev.muster.coordinator.fleet.ReplicationHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * What the sandbox waits for, each until its patience runs out: the global's migrate
 * printing that it waits, replication that runs and verifies, daemons that report it
 * healthy.
 */
final class FleetWaits {

    private final SandboxFleet fleet;
    private final Narrator narrator;
    private final int global;
    private final Duration patience;

    FleetWaits(SandboxFleet fleet, Narrator narrator, int global, Duration patience) {
        this.fleet = fleet;
        this.narrator = narrator;
        this.global = global;
        this.patience = patience;
    }

    /**
     * Waits until every subscription runs with every table copied, then until verification
     * passes: the changes made since the copy may still be on their way. Shows the last
     * verification's output.
     */
    void awaitVerified(String release) throws InterruptedException {
        Deadline deadline = Deadline.after(patience);
        AgentConfig config = AgentConfig.load(fleet.config(global, release));
        ReplicationStatus status = new ReplicationStatus(config.database(), config.replication());
        if (!deadline.await(
                () -> status.subscriptions().stream().allMatch(FleetWaits::running), Duration.ofMillis(200))) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the subscriptions did not all run with every table copied within " + patience.toSeconds() + " s:\n"
                            + SubscriptionStatus.table(status.subscriptions()));
        }
        AtomicReference<RegionConsole> lastTry = new AtomicReference<>();
        boolean verified = deadline.await(
                () -> {
                    lastTry.set(new RegionConsole(narrator, global, false));
                    return fleet.tryAgent(global, release, lastTry.get(), "replication", "verify") == 0;
                },
                Duration.ofMillis(500));
        lastTry.get().show();
        if (!verified) {
            throw new MusterException(
                    ExitCode.FAILED, "replication did not verify within " + patience.toSeconds() + " s");
        }
    }

    private static boolean running(SubscriptionStatus subscription) {
        return subscription.enabled() && subscription.workerPid().isPresent() && subscription.tablesNotReady() == 0;
    }

    /** Waits until every region's daemon has reported healthy replication to the coordinator since {@code since}. */
    void awaitHealthyReports(Coordinator coordinator, Instant since) throws InterruptedException {
        boolean healthy = Deadline.after(patience)
                .await(
                        () -> fleet.regions().stream().allMatch(region -> reportedHealthy(coordinator, region, since)),
                        Duration.ofMillis(100));
        if (!healthy) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the agents' daemons did not all report healthy replication within " + patience.toSeconds() + " s");
        }
    }

    private static boolean reportedHealthy(Coordinator coordinator, int region, Instant since) {
        return coordinator
                .hub()
                .fleet()
                .region(region)
                .flatMap(RegionState::replication)
                .filter(health -> health.takenAt().isAfter(since))
                .map(ReplicationHealth::healthy)
                .orElse(false);
    }

    /** Waits until the still running global's migrate has printed a line matching {@code wanted}. */
    void awaitLine(RegionConsole console, CompletableFuture<Void> running, Predicate<String> wanted) throws Exception {
        boolean printed = Deadline.after(patience)
                .await(
                        () -> {
                            if (console.lines().stream().anyMatch(wanted)) {
                                return true;
                            }
                            if (running.isDone()) {
                                running.get();
                                throw new MusterException(
                                        ExitCode.FAILED, "the global's migrate ended before it waited as expected");
                            }
                            return false;
                        },
                        Duration.ofMillis(50));
        if (!printed) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "the global did not print the expected wait within " + patience.toSeconds() + " s");
        }
    }
}
