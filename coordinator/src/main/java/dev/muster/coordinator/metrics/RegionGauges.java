package dev.muster.coordinator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Each region's gauges, registered once and then only read: a change of one region updates
 * or replaces that region's gauges alone, so that it costs the same in a fleet of ten regions
 * or of ten thousand. A gauge whose labels change (the version a region applied or waits on, a
 * subscription that came or went) is removed and the new one registered. Called under the
 * hub's lock; a scrape reads the values from another thread.
 */
final class RegionGauges {

    /** One gauge family, as Prometheus lists it. */
    record Kind(String name, String description, String baseUnit) {

        Kind(String name, String description) {
            this(name, description, null);
        }
    }

    /** One gauge of a region: its family, its labels, and what it reads. */
    record Row(Kind kind, Tags tags, DoubleSupplier value) {

        static Row of(Kind kind, Tags tags, double value) {
            return new Row(kind, tags, () -> value);
        }
    }

    private record Key(String name, Tags tags) {}

    private static final class Value {
        volatile DoubleSupplier reads;

        Value(DoubleSupplier reads) {
            this.reads = reads;
        }

        double read() {
            return reads.getAsDouble();
        }
    }

    private record Registered(Gauge gauge, Value value) {}

    private final MeterRegistry registry;
    private final Map<Integer, Map<Key, Registered>> byRegion = new HashMap<>();

    RegionGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The region's gauges are now exactly {@code rows}; none for a region no longer known. */
    void set(int region, List<Row> rows) {
        Map<Key, Registered> before = byRegion.getOrDefault(region, Map.of());
        Map<Key, Registered> now = new HashMap<>();
        for (Row row : rows) {
            Key key = new Key(row.kind().name(), row.tags());
            Registered registered = before.get(key);
            if (registered == null) {
                Value value = new Value(row.value());
                Gauge gauge = Gauge.builder(row.kind().name(), value, Value::read)
                        .description(row.kind().description())
                        .baseUnit(row.kind().baseUnit())
                        .tags(row.tags())
                        .strongReference(true)
                        .register(registry);
                registered = new Registered(gauge, value);
            } else {
                registered.value().reads = row.value();
            }
            now.put(key, registered);
        }
        before.forEach((key, registered) -> {
            if (!now.containsKey(key)) {
                registry.remove(registered.gauge());
            }
        });
        if (now.isEmpty()) {
            byRegion.remove(region);
        } else {
            byRegion.put(region, now);
        }
    }
}
