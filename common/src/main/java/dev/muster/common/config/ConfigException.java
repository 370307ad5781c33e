package dev.muster.common.config;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.nio.file.Path;

/**
 * A configuration file that cannot be used as it is. The message names the file and the
 * key, so that the person reading it knows what to edit.
 */
public final class ConfigException extends MusterException {

    private final Path file;
    private final String key;

    public ConfigException(Path file, String key, String problem) {
        super(ExitCode.CONFIG, format(file, key, problem));
        this.file = file;
        this.key = key;
    }

    public ConfigException(Path file, String key, String problem, Throwable cause) {
        super(ExitCode.CONFIG, format(file, key, problem), cause);
        this.file = file;
        this.key = key;
    }

    public Path file() {
        return file;
    }

    /** The dotted key path, e.g. {@code database.url}; empty when the whole file is at fault. */
    public String key() {
        return key;
    }

    private static String format(Path file, String key, String problem) {
        return key.isEmpty() ? file + ": " + problem : file + ": " + key + ": " + problem;
    }
}
