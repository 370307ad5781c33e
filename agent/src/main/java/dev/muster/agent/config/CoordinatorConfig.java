package dev.muster.agent.config;

import dev.muster.common.cli.DurationConverter;
import dev.muster.common.config.ConfigSection;
import dev.muster.common.net.HostPort;
import dev.muster.common.tls.TlsFiles;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.TypeConversionException;

/**
 * How the agent reaches the coordinator.
 *
 * @param reportInterval how often the daemon reports replication health ({@code report_interval}, e.g. {@code 15s})
 * @param tls            this agent's certificate and key, and the CA that issued the coordinator's; plaintext without
 */
public record CoordinatorConfig(HostPort address, Duration reportInterval, Optional<TlsFiles> tls) {

    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(15);
    /** A report older than this says little about a slot that is filling up. */
    static final Duration MAX_REPORT_INTERVAL = Duration.ofHours(1);

    static CoordinatorConfig read(ConfigSection section) {
        section.allowOnly("address", "report_interval", "tls");
        return new CoordinatorConfig(
                address(section),
                reportInterval(section),
                section.optionalSection("tls").map(TlsFiles::read));
    }

    private static HostPort address(ConfigSection section) {
        try {
            HostPort address = HostPort.parse(section.string("address"));
            if (address.port() == 0) {
                throw section.error("address", "port 0 cannot be connected to");
            }
            return address;
        } catch (IllegalArgumentException e) {
            throw section.error("address", e.getMessage());
        }
    }

    /** Written as on the command line ({@code 500ms}, {@code 15s}, {@code 2m}): the same rules, the same words. */
    private static Duration reportInterval(ConfigSection section) {
        String written = section.optionalString("report_interval").orElse(null);
        if (written == null) {
            return DEFAULT_REPORT_INTERVAL;
        }
        Duration interval;
        try {
            interval = new DurationConverter().convert(written);
        } catch (TypeConversionException e) {
            throw section.error("report_interval", e.getMessage());
        }
        if (interval.isZero()) {
            throw section.error("report_interval", "must be longer than zero, not '" + written + "'");
        }
        if (interval.compareTo(MAX_REPORT_INTERVAL) > 0) {
            throw section.error("report_interval", "must be at most 1h, not '" + written + "'");
        }
        return interval;
    }
}
