package dev.muster.common.config;

import static dev.muster.common.config.ConfigErrors.assertConfigError;
import static dev.muster.common.config.ConfigErrors.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void readsAMapping() {
        Path file = write(dir, "region: 1\nrole: remote\n");

        ConfigFile config = ConfigFile.load(file);

        assertThat(config.path()).isEqualTo(file);
        assertThat(config.root().integer("region", 0, 100)).isEqualTo(1);
        assertThat(config.root().string("role")).isEqualTo("remote");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("absent.yaml");

        assertConfigError(() -> ConfigFile.load(file), file, "", "no such file");
    }

    @Test
    void anEmptyFileIsRefused() {
        Path file = write(dir, "");

        assertConfigError(() -> ConfigFile.load(file), file, "", "is empty");
    }

    @Test
    void aFileWithOnlyCommentsIsEmpty() {
        Path file = write(dir, "# nothing configured yet\n---\n");

        assertConfigError(() -> ConfigFile.load(file), file, "", "is empty");
    }

    @Test
    void invalidYamlIsRefusedWithWhereItBroke() {
        Path file = write(dir, "regions: [1, 2\n");

        assertThat(assertConfigError(() -> ConfigFile.load(file), file, "", "is not valid YAML"))
                .hasMessageContaining("line 2");
    }

    @Test
    void aDuplicateTopLevelKeyIsRefused() {
        Path file = write(dir, "region: 1\nrole: remote\nregion: 2\n");

        assertConfigError(() -> ConfigFile.load(file), file, "", "duplicate key region");
    }

    @Test
    void aDuplicateNestedKeyIsRefused() {
        Path file = write(dir, "database:\n  url: jdbc:postgresql://a/b\n  url: jdbc:postgresql://c/d\n");

        assertConfigError(() -> ConfigFile.load(file), file, "", "duplicate key url");
    }

    @Test
    void aDocumentThatIsNotAMappingIsRefused() {
        Path file = write(dir, "- 1\n- 2\n");

        assertConfigError(() -> ConfigFile.load(file), file, "", "must be a mapping of keys to values, not a list");
    }

    @Test
    void aKeyThatIsNotAStringIsRefused() {
        Path file = write(dir, "1: one\n");

        assertConfigError(() -> ConfigFile.load(file), file, "", "has a key that is not a string: 1");
    }

    @Test
    void relativePathsAreTakenFromTheFilesDirectory() {
        ConfigFile config = ConfigFile.load(write(dir, "a: 1\n"));

        assertThat(config.resolve("secrets/db.password")).isEqualTo(dir.resolve("secrets/db.password"));
        assertThat(config.resolve("../db.password")).isEqualTo(dir.getParent().resolve("db.password"));
        assertThat(config.resolve("/etc/muster/db.password")).isEqualTo(Path.of("/etc/muster/db.password"));
    }

    @Test
    void aFileThatCannotBeReadIsNotCalledInvalidYaml() {
        assertConfigError(() -> ConfigFile.load(dir), dir, "", "cannot be read");
    }
}
