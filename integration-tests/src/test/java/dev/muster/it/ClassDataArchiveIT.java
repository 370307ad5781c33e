package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.config.DatabaseConfig;
import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.it.bench.AgentConfigFile;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.LauncherProcess;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.PostgresFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class data archive for {@code muster-agent migrate}: the first run writes it,
 * later runs map their classes from it, and an archive that does not fit is passed over in
 * silence. Read from the cache directory and from the JVM's own class-loading log.
 */
class ClassDataArchiveIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private PostgresFleet servers;
    private Coordinator coordinator;
    private Path config;
    private Path cache;

    @BeforeEach
    void setUp() throws Exception {
        servers = PostgresFleet.start(1);
        String address = "127.0.0.1:" + Ports.free();
        coordinator = Coordinator.start(
                CoordinatorConfig.load(Files.writeString(
                        dir.resolve("coordinator.yaml"), "listen: \"" + address + "\"\nregions: [1]\n")),
                "test");
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__one.sql"), "CREATE TABLE one (id bigint PRIMARY KEY);\n");
        config = AgentConfigFile.write(
                dir.resolve("agent.yaml"),
                1,
                new DatabaseConfig(servers.jdbcUrl(1), PostgresFleet.USER, Optional.empty()),
                "filesystem:" + migrations,
                address);
        cache = dir.resolve("cache");
    }

    @AfterEach
    void tearDown() {
        coordinator.close();
        servers.close();
    }

    @Test
    void theFirstMigrateWritesTheArchiveAndTheNextOnesLoadTheirClassesFromIt() throws Exception {
        List<String> first = migrate(Map.of());
        assertThat(first).contains("Database is up to date at version 1");
        assertThat(archives())
                .as("written under the pid of the JVM that wrote it")
                .singleElement()
                .satisfies(file -> assertThat(file.getFileName().toString()).matches("migrate-\\d+\\.jsa\\.\\d+"));

        Path classLog = dir.resolve("classes.log");
        List<String> second = migrate(Map.of("MUSTER_JAVA_OPTS", "-Xlog:class+load:file=" + classLog));

        assertThat(archives())
                .singleElement()
                .satisfies(file -> assertThat(file.getFileName().toString()).matches("migrate-\\d+\\.jsa"));
        assertThat(second).containsExactly("Database is up to date at version 1");
        assertThat(Files.readAllLines(classLog))
                .anyMatch(line -> line.contains("dev.muster.agent.cli.MigrateCommand source: shared objects file"));
    }

    @Test
    void anArchiveThatDoesNotFitIsPassedOverInSilence() throws Exception {
        for (int run = 1; run <= 2; run++) {
            assertThat(migrate(Map.of())).contains("Database is up to date at version 1");
        }
        Path archive = archives().get(0);
        assertThat(archive.getFileName().toString()).endsWith(".jsa");
        Files.writeString(archive, "not an archive");

        assertThat(migrate(Map.of())).containsExactly("Database is up to date at version 1");
    }

    @Test
    void withoutTheArchiveNothingIsWritten() throws Exception {
        assertThat(migrate(Map.of("MUSTER_CDS", "off"))).contains("Database is up to date at version 1");
        assertThat(cache).doesNotExist();
    }

    private List<String> migrate(Map<String, String> environment) throws Exception {
        Map<String, String> withCache = new HashMap<>(environment);
        withCache.put("MUSTER_CACHE_DIR", cache.toString());
        try (LauncherProcess migrate = new LauncherProcess(
                "migrate", Distribution.bin("muster-agent"), withCache, "migrate", "--config", config.toString())) {
            assertThat(migrate.awaitExit(PATIENCE)).as("%s", migrate.output()).isZero();
            return migrate.output().lines();
        }
    }

    private List<Path> archives() throws Exception {
        try (Stream<Path> files = Files.list(cache)) {
            return files.toList();
        }
    }
}
