package dev.muster.coordinator.steps;

import java.util.List;

/** What a daemon answered to a step: the command's exit status and what it printed. */
public record StepResult(int exitStatus, List<String> output) {

    public StepResult {
        output = List.copyOf(output);
    }

    public boolean succeeded() {
        return exitStatus == 0;
    }
}
