package dev.muster.coordinator.hub;

import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The upgrade steps sent to daemons whose results have not come back yet. Guarded by the hub's lock. */
final class DaemonCommands {

    private static final Logger log = LoggerFactory.getLogger(DaemonCommands.class);

    /** @param region only a session of this region may answer it: a daemon that reconnected still can */
    private record Pending(int region, CompletableFuture<StepResult> result) {}

    private final Map<Long, Pending> pending = new HashMap<>();
    private long lastId;

    /**
     * Sends {@code step} to {@code daemon}, a session of {@code region}; with none, the result
     * fails at once.
     */
    CompletableFuture<StepResult> send(int region, Step step, Optional<Session> daemon) {
        CompletableFuture<StepResult> result = new CompletableFuture<>();
        if (daemon.isEmpty()) {
            result.completeExceptionally(new IllegalStateException("region " + region
                    + " has no agent daemon connected ('muster-agent run'), so nobody can carry out '"
                    + step.describe() + "' there"));
            return result;
        }
        long id = ++lastId;
        pending.put(id, new Pending(region, result));
        daemon.get().outbox.command(id, step);
        return result;
    }

    /** {@code session} answers command {@code commandId}; ignored unless its region's result is awaited. */
    void resultOf(Session session, long commandId, StepResult result) {
        Pending command = pending.get(commandId);
        if (command == null || command.region() != session.region) {
            log.warn(
                    "Ignoring region {}'s result of command {}, which this coordinator is not waiting for",
                    session.region,
                    commandId);
            return;
        }
        pending.remove(commandId);
        command.result().complete(result);
    }

    /** Stops waiting for the command whose result is {@code result}. */
    void forget(CompletableFuture<StepResult> result) {
        pending.values().removeIf(command -> command.result() == result);
    }
}
