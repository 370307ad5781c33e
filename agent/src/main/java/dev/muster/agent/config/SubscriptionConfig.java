package dev.muster.agent.config;

import dev.muster.common.config.ConfigSection;
import dev.muster.common.region.RegionNumber;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the global reaches one remote region's publication: {@code region_<N>_subscription}.
 *
 * @param sslmode     libpq's and the JDBC driver's {@code sslmode} for the subscription and the agent's own
 *                    connections to the remote; the server's default ({@code prefer}) when absent
 * @param sslrootcert the CA that issued the remote server's certificate, for {@code verify-ca} and
 *                    {@code verify-full}; the global's PostgreSQL reads it too, so it must be readable there
 */
public record SubscriptionConfig(
        int region,
        String host,
        int port,
        String user,
        String dbname,
        Optional<Path> passwordFile,
        Optional<String> sslmode,
        Optional<Path> sslrootcert) {

    /** Without TLS settings: the server's defaults. */
    public SubscriptionConfig(
            int region, String host, int port, String user, String dbname, Optional<Path> passwordFile) {
        this(region, host, port, user, dbname, passwordFile, Optional.empty(), Optional.empty());
    }

    static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    static SubscriptionConfig read(ConfigSection section) {
        section.allowOnly("region", "host", "port", "user", "dbname", "password_file", "sslmode", "sslrootcert");
        Optional<String> sslmode = section.optionalString("sslmode");
        sslmode.ifPresent(mode -> {
            if (!SSL_MODES.contains(mode)) {
                throw section.error("sslmode", "must be one of " + new TreeSet<>(SSL_MODES) + ", not '" + mode + "'");
            }
        });
        Optional<Path> sslrootcert = section.optionalString("sslrootcert").map(section.file()::resolve);
        Optional<Path> passwordFile = section.optionalReadableFile("password_file");
        return new SubscriptionConfig(
                section.integer("region", 0, RegionNumber.MAX),
                section.string("host"),
                section.optionalInteger("port", 1, 65535).orElse(5432),
                section.string("user"),
                section.string("dbname"),
                passwordFile,
                sslmode,
                sslrootcert);
    }
}
