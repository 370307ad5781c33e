package dev.muster.agent.migrate;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;

/**
 * A migration that failed and was rolled back; those applied before it in the same run
 * stay applied (each has its own transaction).
 */
public final class MigrationFailure extends MusterException {

    private final String version;

    public MigrationFailure(String version, String message, Throwable cause) {
        super(ExitCode.FAILED, message, cause);
        this.version = version;
    }

    public String version() {
        return version;
    }
}
