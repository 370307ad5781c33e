package dev.muster.coordinator.config;

import dev.muster.common.config.ConfigFile;
import dev.muster.common.config.ConfigSection;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.net.HostPort;
import dev.muster.common.region.RegionNumber;
import dev.muster.common.tls.Identity;
import dev.muster.common.tls.TlsFiles;
import dev.muster.coordinator.access.Operators;
import dev.muster.coordinator.access.TransportSecurity;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * @param security TLS and who may do what; plaintext only on loopback or when {@code insecure: true}
 */
public record CoordinatorConfig(
        HostPort listen,
        Optional<DatabaseConfig> database,
        List<Integer> regions,
        Optional<MetricsConfig> metrics,
        TransportSecurity security) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 7600);

    public static CoordinatorConfig load(Path path) {
        ConfigSection root = ConfigFile.load(path)
                .root()
                .allowOnly(
                        "listen",
                        "database",
                        "regions",
                        "metrics",
                        "tls",
                        "trust_domain",
                        "operators",
                        "global_region",
                        "insecure");
        HostPort listen = root.optionalString("listen")
                .map(text -> {
                    try {
                        return HostPort.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw root.error("listen", e.getMessage());
                    }
                })
                .orElse(DEFAULT_LISTEN);
        if (!root.has("regions")) {
            throw root.error(
                    "regions",
                    "required key is missing: list the member remote regions, e.g. [1, 2] "
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
                root.optionalSection("metrics").map(MetricsConfig::read),
                security(root, listen, regions));
    }

    private static TransportSecurity security(ConfigSection root, HostPort listen, List<Integer> members) {
        boolean insecure = root.optionalString("insecure")
                .map(text -> switch (text) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw root.error("insecure", "must be true or false, not '" + text + "'");
                })
                .orElse(false);
        String trustDomain = root.optionalString("trust_domain").orElse(Identity.DEFAULT_TRUST_DOMAIN);
        try {
            Identity.checkTrustDomain(trustDomain);
        } catch (IllegalArgumentException e) {
            throw root.error("trust_domain", e.getMessage());
        }
        Optional<TlsFiles> tls = root.optionalSection("tls").map(TlsFiles::read);
        if (tls.isPresent()) {
            if (insecure) {
                throw root.error(
                        "insecure",
                        "contradicts tls: remove insecure to serve mutual TLS, or tls to serve " + "plaintext");
            }
            Operators operators =
                    root.optionalSection("operators").map(Operators::read).orElse(Operators.NONE);
            if (!root.has("global_region")) {
                throw root.error(
                        "global_region",
                        "required with tls: the region whose agent alone may speak as the " + "global, e.g. 99");
            }
            int global = root.integer("global_region", 0, RegionNumber.MAX);
            if (members.contains(global)) {
                throw root.error("global_region", "region " + global + " is listed in regions, as a member remote");
            }
            return TransportSecurity.mutualTls(tls.get(), trustDomain, operators, global);
        }
        for (String key : List.of("operators", "trust_domain", "global_region")) {
            if (root.has(key)) {
                throw root.error(key, "needs tls: without certificates nobody's identity is known");
            }
        }
        if (isLoopback(listen.host())) {
            return TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK);
        }
        if (!insecure) {
            throw root.error(
                    "tls",
                    "required to listen on " + listen + ", which is not a loopback address: give "
                            + "tls: { cert: coordinator.crt, key: coordinator.key, ca: ca.crt } ('muster certs init' and "
                            + "'muster certs issue --coordinator HOST' make them), listen on 127.0.0.1, or say insecure: true "
                            + "to let anyone who reaches the port drive the fleet");
        }
        return TransportSecurity.plaintext(TransportSecurity.Mode.INSECURE);
    }

    /** Whether only this host can reach {@code host}; a name that does not resolve is taken as reachable from afar. */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
