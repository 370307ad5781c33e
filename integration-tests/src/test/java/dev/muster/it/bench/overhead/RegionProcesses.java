package dev.muster.it.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.config.DatabaseConfig;
import dev.muster.it.fixture.Distribution;
import dev.muster.it.fixture.LauncherProcess;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The processes a region's migration runs in: plain Flyway in a JVM on the distribution's
 * jars, or the distribution's {@code muster-agent} launcher, as an operator runs them.
 */
final class RegionProcesses {

    static final Duration PATIENCE = Duration.ofMinutes(5);

    private final String location;

    RegionProcesses(String location) {
        this.location = location;
    }

    String location() {
        return location;
    }

    /** Plain Flyway in a JVM started with {@code jvmOptions} (none: the JVM's defaults). */
    LauncherProcess plainFlyway(int region, DatabaseConfig database, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                Distribution.home().resolve("lib") + "/*:" + testClasses(),
                PlainFlyway.class.getName(),
                database.url(),
                database.user(),
                database.passwordFile().map(Path::toString).orElse("-"),
                location));
        return new LauncherProcess(
                "flyway-" + region,
                Path.of(command.get(0)),
                command.subList(1, command.size()).toArray(String[]::new));
    }

    LauncherProcess musterAgent(int region, Path config, Map<String, String> environment, String... command) {
        String[] args = new String[command.length + 2];
        System.arraycopy(command, 0, args, 0, command.length);
        args[command.length] = "--config";
        args[command.length + 1] = config.toString();
        return new LauncherProcess("agent-" + region, Distribution.bin("muster-agent"), environment, args);
    }

    LauncherProcess launcherVersion(Map<String, String> environment) {
        return new LauncherProcess("agent-version", Distribution.bin("muster-agent"), environment, "--version");
    }

    /** Waits for {@code process} to end, which it must do with status 0; returns how long it ran since {@code startedAt}. */
    static Duration awaitSuccess(LauncherProcess process, long startedAt) throws Exception {
        try (process) {
            assertThat(process.awaitExit(PATIENCE)).as("%s", process.output()).isZero();
            return Duration.ofNanos(System.nanoTime() - startedAt);
        }
    }

    /** Where {@link PlainFlyway} was compiled to, for the plain JVM's class path. */
    private static Path testClasses() {
        try {
            return Path.of(PlainFlyway.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
