package dev.muster.agent.config;

import dev.muster.common.config.ConfigSection;
import dev.muster.common.region.RegionNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** How the global reaches one remote region's publication: {@code region_<N>_subscription}. */
public record SubscriptionConfig(int region, String host, int port, String user, String dbname,
                                 Optional<Path> passwordFile) {

    static SubscriptionConfig read(ConfigSection section) {
        section.allowOnly("region", "host", "port", "user", "dbname", "password_file");
        Optional<Path> passwordFile = section.optionalString("password_file").map(section.file()::resolve);
        passwordFile.ifPresent(file -> {
            if (!Files.isReadable(file)) {
                throw section.error("password_file", "cannot read " + file + " (missing, or not readable by this user)");
            }
        });
        return new SubscriptionConfig(
                section.integer("region", 0, RegionNumber.MAX),
                section.string("host"),
                section.optionalInteger("port", 1, 65535).orElse(5432),
                section.string("user"),
                section.string("dbname"),
                passwordFile);
    }
}
