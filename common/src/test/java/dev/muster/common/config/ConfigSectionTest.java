package dev.muster.common.config;

import static dev.muster.common.config.ConfigErrors.assertConfigError;
import static dev.muster.common.config.ConfigErrors.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSectionTest {

    /** Shaped like the agent's replication.subscriptions entries, to exercise keys inside lists. */
    private record Subscription(int region, String host, int port) {
        static Subscription read(ConfigSection section) {
            section.allowOnly("region", "host", "port");
            return new Subscription(
                    section.integer("region", 0, 9222), section.string("host"), section.integer("port", 1, 65535));
        }
    }

    @TempDir
    Path dir;

    /** Where {@link #root} writes the YAML, so that errors name it. */
    private Path file() {
        return dir.resolve("config.yaml");
    }

    private ConfigSection root(String yaml) {
        return ConfigFile.load(write(dir, yaml)).root();
    }

    private List<Subscription> subscriptions(String yaml) {
        return root(yaml).section("replication").sections("subscriptions", Subscription::read);
    }

    @Test
    void readsNestedSectionsAndListsOfSections() {
        List<Subscription> read = subscriptions("""
                replication:
                  subscriptions:
                    - { region: 1, host: 10.0.0.1, port: 5432 }
                    - { region: 2, host: 10.0.0.2, port: 5433 }
                """);

        assertThat(read).containsExactly(new Subscription(1, "10.0.0.1", 5432), new Subscription(2, "10.0.0.2", 5433));
    }

    @Test
    void anErrorInsideAListNamesTheIndexedKey() {
        String yaml = """
                replication:
                  subscriptions:
                    - { region: 1, host: 10.0.0.1, port: 5432 }
                    - { region: 2, host: 10.0.0.2, port: 70000 }
                """;

        assertConfigError(
                () -> subscriptions(yaml),
                file(),
                "replication.subscriptions[1].port",
                "must be between 1 and 65535, not 70000");
    }

    @Test
    void aMissingKeyInsideAListNamesTheIndexedKey() {
        String yaml = "replication:\n  subscriptions:\n    - { region: 1, port: 5432 }\n";

        assertConfigError(
                () -> subscriptions(yaml), file(), "replication.subscriptions[0].host", "required key is missing");
    }

    @Test
    void anUnknownKeyInsideAListIsRefused() {
        String yaml = "replication:\n  subscriptions:\n    - { region: 1, hots: a, port: 5432 }\n";

        assertConfigError(
                () -> subscriptions(yaml),
                file(),
                "replication.subscriptions[0].hots",
                "unknown key (expected one of [host, port, region])");
    }

    @Test
    void aListItemThatIsNotAMappingIsNamed() {
        String yaml = "replication:\n  subscriptions:\n    - { region: 1, host: a, port: 1 }\n    - 10.0.0.2\n";

        assertConfigError(
                () -> subscriptions(yaml),
                file(),
                "replication.subscriptions[1]",
                "must be a mapping of keys to values, not '10.0.0.2'");
    }

    @Test
    void anUnknownTopLevelKeyIsRefused() {
        ConfigSection root = root("region: 1\nrol: remote\n");

        assertConfigError(
                () -> root.allowOnly("region", "role"), file(), "rol", "unknown key (expected one of [region, role])");
    }

    @Test
    void strings() {
        ConfigSection root = root("name: miq\nnumber: 5432\nflag: true\nblank: '  '\nmap: {a: 1}\nnothing:\n");

        assertThat(root.string("name")).isEqualTo("miq");
        assertThat(root.string("number")).as("a number is read as its text").isEqualTo("5432");
        assertThat(root.string("flag")).isEqualTo("true");
        assertThat(root.optionalString("absent")).isEmpty();
        assertThat(root.optionalString("nothing")).as("a key without a value").isEmpty();
        assertThat(root.has("nothing")).isFalse();
        assertThat(root.has("name")).isTrue();
        assertConfigError(() -> root.string("blank"), file(), "blank", "must not be empty");
        assertConfigError(() -> root.string("map"), file(), "map", "must be a string, not a mapping");
        assertConfigError(() -> root.string("absent"), file(), "absent", "required key is missing");
    }

    @Test
    void aMissingKeyInASectionNamesTheDottedKey() {
        ConfigSection database =
                root("database:\n  url: jdbc:postgresql://h/db\n").section("database");

        assertConfigError(() -> database.string("user"), file(), "database.user", "required key is missing");
    }

    @Test
    void aSectionThatIsNotAMappingIsRefused() {
        ConfigSection root = root("database: jdbc:postgresql://h/db\n");

        assertConfigError(() -> root.section("database"), file(), "database", "must be a mapping of keys to values");
        assertThat(root.optionalSection("metrics")).isEmpty();
        assertConfigError(() -> root.section("metrics"), file(), "metrics", "required key is missing");
    }

    @Test
    void integersAreWholeNumbersWithinTheirRange() {
        ConfigSection root =
                root("port: 5432\nlow: 0\nhigh: 65536\nbig: 4294967296\nfloat: 1.5\ntext: '5432'\nflag: true\n");

        assertThat(root.integer("port", 1, 65535)).isEqualTo(5432);
        assertThat(root.optionalInteger("absent", 1, 2)).isEmpty();
        assertConfigError(() -> root.integer("low", 1, 65535), file(), "low", "must be between 1 and 65535, not 0");
        assertConfigError(
                () -> root.integer("high", 1, 65535), file(), "high", "must be between 1 and 65535, not 65536");
        assertConfigError(() -> root.integer("big", 1, 65535), file(), "big", "not 4294967296");
        assertConfigError(() -> root.integer("float", 1, 65535), file(), "float", "must be a whole number, not 1.5");
        assertConfigError(() -> root.integer("text", 1, 65535), file(), "text", "must be a whole number, not '5432'");
        assertConfigError(() -> root.integer("flag", 1, 65535), file(), "flag", "must be a whole number, not true");
        assertConfigError(() -> root.integer("absent", 1, 65535), file(), "absent", "required key is missing");
    }

    @Test
    void listsOfIntegersNameTheIndexOfABadItem() {
        ConfigSection root = root("regions: [1, 2, 10000]\nwrong: [1, x]\nscalar: 1\nempty: []\n");

        assertThat(root.integers("empty", 0, 9222)).isEmpty();
        assertThat(root.integers("absent", 0, 9222)).isEmpty();
        assertThat(root.integers("regions", 0, 10000)).containsExactly(1, 2, 10000);
        assertConfigError(
                () -> root.integers("regions", 0, 9222), file(), "regions[2]", "must be between 0 and 9222, not 10000");
        assertConfigError(() -> root.integers("wrong", 0, 9222), file(), "wrong[1]", "must be a whole number, not 'x'");
        assertConfigError(() -> root.integers("scalar", 0, 9222), file(), "scalar", "must be a list, not 1");
    }

    @Test
    void listsOfStringsNameTheIndexOfABadItem() {
        ConfigSection migrations = root("migrations:\n  locations: [filesystem:/a, '', 3]\n  one: [db/migrate]\n")
                .section("migrations");

        assertThat(migrations.strings("one")).containsExactly("db/migrate");
        assertConfigError(
                () -> migrations.strings("locations"),
                file(),
                "migrations.locations[1]",
                "must be a non-empty string, not ''");
    }

    @Test
    void errorsCarryTheFileTheKeyAndTheConfigExitCode() {
        ConfigSection metrics = root("metrics: {port: 9610}\n").section("metrics");

        ConfigException error = metrics.error("port", "is taken");

        assertThat(error.key()).isEqualTo("metrics.port");
        assertThat(error.file()).isEqualTo(file());
        assertThat(error).hasMessage(file() + ": metrics.port: is taken");
        assertThat(metrics.keyPath("port")).isEqualTo("metrics.port");
        assertThat(metrics.file().path()).isEqualTo(file());
    }

    @Test
    void aNumberBeyondALongIsOutOfRangeNotTruncated() {
        assertConfigError(
                () -> root("port: 18446744073709557048").integer("port", 1, 65535),
                file(),
                "port",
                "must be between 1 and 65535, not 18446744073709557048");
        assertConfigError(
                () -> root("port: -18446744073709551615").integer("port", 1, 65535),
                file(),
                "port",
                "must be between 1 and 65535, not -18446744073709551615");
    }
}
