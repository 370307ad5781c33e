package dev.muster.common.tls;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;

/** A certificate, key or CA file that cannot be used; the message names the file and what is wrong with it. */
public final class TlsConfigException extends MusterException {

    public TlsConfigException(String message) {
        super(ExitCode.CONFIG, message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(ExitCode.CONFIG, message, cause);
    }
}
