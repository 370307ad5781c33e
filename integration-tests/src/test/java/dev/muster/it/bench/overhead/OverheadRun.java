package dev.muster.it.bench.overhead;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One procedure's run: from the first process's start to the last one's exit, and each
 * region's process from its start to its exit (the global's includes its wait in the seed's
 * order).
 */
public record OverheadRun(OverheadProcedure procedure, Duration total, Map<Integer, Duration> regions) {

    public OverheadRun {
        regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    }
}
