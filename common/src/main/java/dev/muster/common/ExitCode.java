package dev.muster.common;

/** What a muster command's exit status means, for scripts and for systemd. */
public enum ExitCode {
    OK(0),
    /** The operation was attempted and failed; the message says why. */
    FAILED(1),
    /** The command line was wrong. */
    USAGE(2),
    /** The coordinator refused: a checksum mismatch, a region claimed twice, a plan it cannot make, ... */
    REJECTED(3),
    /** A service this command needs could not be reached (sysexits' EX_UNAVAILABLE). */
    UNAVAILABLE(69),
    /** The configuration is wrong (sysexits' EX_CONFIG). */
    CONFIG(78);

    private final int status;

    ExitCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
