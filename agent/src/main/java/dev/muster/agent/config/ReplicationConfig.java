package dev.muster.agent.config;

import dev.muster.common.config.ConfigSection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Logical replication settings: the publication a remote offers (every application table
 * but the excluded ones) and, on the global, one subscription per remote region.
 */
public record ReplicationConfig(
        String publication, List<String> excludeTables, List<SubscriptionConfig> subscriptions) {

    public static final String DEFAULT_PUBLICATION = "miq";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

    public static ReplicationConfig defaults() {
        return new ReplicationConfig(DEFAULT_PUBLICATION, List.of(), List.of());
    }

    static ReplicationConfig read(ConfigSection section, int ownRegion, RegionRole role) {
        section.allowOnly("publication", "exclude_tables", "subscriptions");
        String publication = section.optionalString("publication").orElse(DEFAULT_PUBLICATION);
        if (!IDENTIFIER.matcher(publication).matches()) {
            throw section.error("publication", "must be a lower-case PostgreSQL identifier, not '" + publication + "'");
        }
        List<SubscriptionConfig> subscriptions = section.sections("subscriptions", SubscriptionConfig::read);
        if (!subscriptions.isEmpty() && role != RegionRole.GLOBAL) {
            throw section.error(
                    "subscriptions", "only the global region subscribes; this agent's role is " + role.configName());
        }
        Set<Integer> regions = new HashSet<>();
        for (int i = 0; i < subscriptions.size(); i++) {
            int region = subscriptions.get(i).region();
            String key = "subscriptions[" + i + "].region";
            if (region == ownRegion) {
                throw section.error(
                        key, "region " + region + " is this agent's own region; the global subscribes to remotes");
            }
            if (!regions.add(region)) {
                throw section.error(key, "region " + region + " has two subscriptions");
            }
        }
        return new ReplicationConfig(publication, section.strings("exclude_tables"), subscriptions);
    }
}
