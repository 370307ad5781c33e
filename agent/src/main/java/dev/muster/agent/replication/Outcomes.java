package dev.muster.agent.replication;

import dev.muster.common.MusterException;
import java.util.List;

/** Messages for a command that fails after it has already done part of its work. */
final class Outcomes {

    private Outcomes() {}

    /** The failure, with what was done before it, so the operator knows the state it left. */
    static MusterException afterPartialWork(MusterException failure, List<String> done) {
        if (done.isEmpty()) {
            return failure;
        }
        return new MusterException(
                failure.exitCode(),
                failure.getMessage() + ". Done before this failure: " + String.join("; ", done),
                failure);
    }
}
