package dev.muster.agent.migrate;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.util.List;

/** A migration that failed; those applied before it in the same run stay applied. */
public final class MigrationFailure extends MusterException {

    private final String version;
    private final List<LocalMigration> appliedBefore;

    public MigrationFailure(String version, List<LocalMigration> appliedBefore, String message, Throwable cause) {
        super(ExitCode.FAILED, message, cause);
        this.version = version;
        this.appliedBefore = List.copyOf(appliedBefore);
    }

    public String version() {
        return version;
    }

    public List<LocalMigration> appliedBefore() {
        return appliedBefore;
    }
}
