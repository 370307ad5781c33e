package dev.muster.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/** A YAML configuration file; {@link #root()} is where reading it starts. */
public final class ConfigFile {

    private final Path path;
    private final ConfigSection root;

    private ConfigFile(Path path, Object document) {
        this.path = path;
        if (document == null) {
            throw new ConfigException(path, "", "is empty");
        }
        this.root = ConfigSection.root(this, document);
    }

    public static ConfigFile load(Path path) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(path.toString())
                .setAllowDuplicateKeys(false)
                .build();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(path, "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(path, "", "cannot be read: " + e.getMessage(), e);
        }
        try {
            return new ConfigFile(path, new Load(settings).loadFromString(text));
        } catch (YamlEngineException e) {
            throw new ConfigException(path, "", "is not valid YAML: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public ConfigSection root() {
        return root;
    }

    /** A path written in this file: relative paths are taken from the file's own directory. */
    public Path resolve(String written) {
        Path given = Path.of(written);
        Path dir = path.toAbsolutePath().getParent();
        return given.isAbsolute() || dir == null ? given : dir.resolve(given).normalize();
    }
}
