package dev.muster.coordinator.config;

import dev.muster.common.config.ConfigFile;
import dev.muster.common.config.ConfigSection;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.net.HostPort;
import dev.muster.common.region.RegionNumber;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The coordinator's configuration ({@code /etc/muster/coordinator.yaml}).
 *
 * @param listen   where agents and operators reach the coordinator
 * @param database where the coordinator keeps its durable state (schema {@code muster})
 * @param regions  the member remote regions: the global waits for each of them
 * @param metrics  where the Prometheus endpoint listens
 */
public record CoordinatorConfig(
        HostPort listen,
        Optional<DatabaseConfig> database,
        List<Integer> regions,
        Optional<MetricsConfig> metrics) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 7600);

    public static CoordinatorConfig load(Path path) {
        ConfigSection root = ConfigFile.load(path).root().allowOnly("listen", "database", "regions", "metrics");
        HostPort listen = root.optionalString("listen").map(text -> {
            try {
                return HostPort.parse(text);
            } catch (IllegalArgumentException e) {
                throw root.error("listen", e.getMessage());
            }
        }).orElse(DEFAULT_LISTEN);
        if (!root.has("regions")) {
            throw root.error("regions", "required key is missing: list the member remote regions, e.g. [1, 2] "
                    + "(an empty list [] if the global has no remotes yet)");
        }
        List<Integer> regions = root.integers("regions", 0, RegionNumber.MAX);
        Set<Integer> seen = new HashSet<>();
        for (int region : regions) {
            if (!seen.add(region)) {
                throw root.error("regions", "region " + region + " is listed twice");
            }
        }
        return new CoordinatorConfig(
                listen,
                root.optionalSection("database").map(DatabaseConfig::read),
                regions,
                root.optionalSection("metrics").map(MetricsConfig::read));
    }
}
