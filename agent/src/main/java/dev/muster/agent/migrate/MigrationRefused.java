package dev.muster.agent.migrate;

/**
 * A {@link RunListener} will not have a migration run: it is not the migration the caller
 * meant to apply. Nothing of it was applied.
 */
public final class MigrationRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MigrationRefused(String message) {
        super(message);
    }
}
