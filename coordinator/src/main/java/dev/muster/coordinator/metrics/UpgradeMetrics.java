package dev.muster.coordinator.metrics;

import dev.muster.coordinator.upgrade.UpgradePhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * {@code muster_upgrade_phase}: one series per phase, 1 for the phase the running upgrade
 * is in (or {@code idle}) and 0 for the others, so that a dashboard can plot the phases of
 * an upgrade over time.
 */
public final class UpgradeMetrics {

    private UpgradeMetrics() {}

    public static void register(MeterRegistry registry, Supplier<UpgradePhase> current) {
        for (UpgradePhase phase : UpgradePhase.values()) {
            Gauge.builder("muster_upgrade_phase", () -> current.get() == phase ? 1 : 0)
                    .description("1 for the phase 'muster upgrade' is in (idle while none runs), 0 for the others")
                    .tag("phase", phase.label())
                    .register(registry);
        }
    }
}
