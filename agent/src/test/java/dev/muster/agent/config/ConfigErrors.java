package dev.muster.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.muster.common.ExitCode;
import dev.muster.common.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Writing agent configuration files and checking that an error names the file and the key. */
final class ConfigErrors {

    private ConfigErrors() {}

    static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve("agent.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that {@code reading} fails with a configuration error about {@code key} of
     * {@code file} whose message contains {@code problem}.
     */
    static ConfigException assertConfigError(ThrowingCallable reading, Path file, String key, String problem) {
        ConfigException error = catchThrowableOfType(ConfigException.class, reading);
        assertThat(error).as("a ConfigException about '%s'", key).isNotNull();
        assertThat(error.file()).isEqualTo(file);
        assertThat(error.key()).isEqualTo(key);
        assertThat(error.exitCode()).isEqualTo(ExitCode.CONFIG);
        assertThat(error.getMessage()).startsWith(file + ": " + key + ": ").contains(problem);
        return error;
    }
}
