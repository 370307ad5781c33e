package dev.muster.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A password read from a file. It prints as {@code ****} so that it cannot reach a log
 * line, an exception message or a command line by accident; {@link #reveal()} is the only
 * way to the value.
 */
public final class Secret {

    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    /** Reads the file's content; one trailing line break (as editors write) is dropped. */
    public static Secret fromFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return new Secret(text.toCharArray());
    }

    public String reveal() {
        return new String(value);
    }

    @Override
    public String toString() {
        return "****";
    }
}
