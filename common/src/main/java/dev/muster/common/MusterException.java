package dev.muster.common;

/**
 * The one unchecked exception a muster command ends with. Its message is written for the
 * operator who has to act on it; its exit code is what the command exits with.
 */
public class MusterException extends RuntimeException {

    private final ExitCode exitCode;

    public MusterException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public MusterException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
