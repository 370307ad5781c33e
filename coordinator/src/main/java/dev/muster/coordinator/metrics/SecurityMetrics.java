package dev.muster.coordinator.metrics;

import dev.muster.coordinator.access.TransportSecurity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How the coordinator's port is protected, for an alert on a coordinator that anyone can
 * drive: {@code muster_coordinator_insecure} is 1 while it serves plaintext on a network
 * address ({@code insecure: true}), {@code muster_coordinator_mutual_tls} 1 with mutual TLS.
 */
public final class SecurityMetrics {

    private SecurityMetrics() {}

    public static void register(MeterRegistry registry, TransportSecurity security) {
        Gauge.builder("muster_coordinator_insecure", () -> security.mode() == TransportSecurity.Mode.INSECURE ? 1 : 0)
                .description("1 while the coordinator serves plaintext on a network address (insecure: true)")
                .register(registry);
        Gauge.builder("muster_coordinator_mutual_tls", () -> security.authenticates() ? 1 : 0)
                .description("1 when agents and operators must show certificates (tls in the configuration)")
                .register(registry);
    }
}
