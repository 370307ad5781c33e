package dev.muster.coordinator.hub;

import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks every connected daemon to read its migration files now, so that a plan or an upgrade
 * sees the code on disk rather than what the daemon last reported. Daemons read them every
 * report interval anyway; this only makes "now" mean now.
 */
public final class CodeRefresh {

    /** How long a plan or an upgrade waits for the daemons' answers before it goes on with what it knows. */
    public static final Duration PATIENCE = Duration.ofSeconds(5);

    private CodeRefresh() {}

    /**
     * Completes once every daemon has answered (each answer is in the hub before its result),
     * or after {@code patience}; it never fails: a daemon that cannot read its files, or is
     * too old to know the command, leaves what the coordinator knew.
     */
    public static CompletableFuture<Void> of(FleetHub hub, Duration patience) {
        List<CompletableFuture<StepResult>> answers = hub.regionsWithDaemons().stream()
                .map(region -> hub.command(region, new Step.ReadCode()))
                .toList();
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.stream()
                .map(answer -> answer.handle((result, failure) -> null))
                .toArray(CompletableFuture[]::new));
        return all.completeOnTimeout(null, patience.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, failure) -> answers.forEach(hub::forget));
    }
}
