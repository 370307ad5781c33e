package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.net.HostPort;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every operator command shares: where the coordinator is, how to reach it, and how to print. */
final class CoordinatorOptions {

    static final String ENVIRONMENT = "MUSTER_COORDINATOR";
    static final HostPort DEFAULT = new HostPort("127.0.0.1", 7600);

    enum Output {
        table,
        json
    }

    @Option(
            names = "--coordinator",
            paramLabel = "HOST:PORT",
            description = "The coordinator's address (default: $" + ENVIRONMENT + ", else 127.0.0.1:7600)")
    String coordinator;

    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (for people) or json (for scripts); default: ${DEFAULT-VALUE}")
    Output output;

    @Mixin
    TlsOptions tls;

    HostPort address() {
        String text = Optional.ofNullable(coordinator)
                .or(() -> Optional.ofNullable(System.getenv(ENVIRONMENT)))
                .filter(value -> !value.isBlank())
                .orElse(null);
        if (text == null) {
            return DEFAULT;
        }
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MusterException(ExitCode.USAGE, "--coordinator " + text + ": " + e.getMessage());
        }
    }

    AdminClient connect() {
        return new AdminClient(address(), tls.files(System.getenv()));
    }

    boolean json() {
        return output == Output.json;
    }
}
