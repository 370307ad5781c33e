package dev.muster.agent.config;

import dev.muster.common.config.ConfigFile;
import dev.muster.common.config.ConfigSection;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.region.RegionNumber;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An agent's configuration ({@code /etc/muster/agent.yaml}), validated as a whole when it
 * is loaded: every error names the file and the key.
 *
 * @param migrationLocations Flyway locations, e.g. {@code filesystem:/var/www/miq/vmdb/db/migrate}
 */
public record AgentConfig(
        Path file,
        int region,
        RegionRole role,
        DatabaseConfig database,
        List<String> migrationLocations,
        CoordinatorConfig coordinator,
        ReplicationConfig replication,
        Optional<MetricsConfig> metrics) {

    public static AgentConfig load(Path path) {
        ConfigFile file = ConfigFile.load(path);
        ConfigSection root = file.root()
                .allowOnly("region", "role", "database", "migrations", "coordinator", "replication", "metrics");
        int region = root.integer("region", 0, RegionNumber.MAX);
        RegionRole role = role(root);
        return new AgentConfig(
                path,
                region,
                role,
                DatabaseConfig.read(root.section("database")),
                locations(file, root.section("migrations")),
                CoordinatorConfig.read(root.section("coordinator")),
                root.optionalSection("replication")
                        .map(section -> ReplicationConfig.read(section, region, role))
                        .orElse(ReplicationConfig.defaults()),
                root.optionalSection("metrics").map(MetricsConfig::read));
    }

    private static RegionRole role(ConfigSection root) {
        String text = root.string("role");
        try {
            return RegionRole.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw root.error("role", "must be 'remote' or 'global', not '" + text + "'");
        }
    }

    /** Flyway locations; a relative filesystem location is taken from the configuration file's directory. */
    private static List<String> locations(ConfigFile file, ConfigSection migrations) {
        migrations.allowOnly("locations");
        List<String> locations = migrations.strings("locations");
        if (locations.isEmpty()) {
            throw migrations.error(
                    "locations",
                    "name at least one Flyway location, " + "e.g. [\"filesystem:/var/www/miq/vmdb/db/migrate\"]");
        }
        List<String> resolved = new ArrayList<>();
        for (int i = 0; i < locations.size(); i++) {
            String location = locations.get(i);
            String path = location.substring(location.indexOf(':') + 1);
            if (path.isBlank()) {
                throw migrations.error("locations[" + i + "]", "names no directory: '" + location + "'");
            }
            if (location.startsWith("filesystem:")) {
                resolved.add("filesystem:" + file.resolve(path));
            } else if (location.startsWith("classpath:")) {
                resolved.add(location);
            } else {
                throw migrations.error(
                        "locations[" + i + "]",
                        "must start with 'filesystem:' or 'classpath:', not '" + location + "'");
            }
        }
        return List.copyOf(resolved);
    }
}
