package dev.muster.common.config;

/** Where the Prometheus metrics endpoint listens. */
public record MetricsConfig(int port) {

    public static MetricsConfig read(ConfigSection section) {
        section.allowOnly("port");
        return new MetricsConfig(section.integer("port", 1, 65535));
    }
}
