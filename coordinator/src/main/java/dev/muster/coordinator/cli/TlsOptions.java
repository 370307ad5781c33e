package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The operator's certificate, key and CA: all three, or none for a coordinator that serves
 * plaintext. Options win over the environment ({@code MUSTER_TLS_CERT}, {@code MUSTER_TLS_KEY},
 * {@code MUSTER_TLS_CA}); only paths are given, never a key itself, so nothing secret is in
 * {@code ps}.
 */
final class TlsOptions {

    static final String CERT_ENVIRONMENT = "MUSTER_TLS_CERT";
    static final String KEY_ENVIRONMENT = "MUSTER_TLS_KEY";
    static final String CA_ENVIRONMENT = "MUSTER_TLS_CA";

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "This operator's certificate (PEM; default: $" + CERT_ENVIRONMENT + ")")
    Path cert;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            description = "Its private key (PEM; default: $" + KEY_ENVIRONMENT + ")")
    Path key;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            description = "The CA that issued the coordinator's certificate (PEM; default: $" + CA_ENVIRONMENT + ")")
    Path ca;

    Optional<TlsFiles> files(Map<String, String> environment) {
        Optional<Path> certFile = pick(cert, environment, CERT_ENVIRONMENT);
        Optional<Path> keyFile = pick(key, environment, KEY_ENVIRONMENT);
        Optional<Path> caFile = pick(ca, environment, CA_ENVIRONMENT);
        if (certFile.isEmpty() && keyFile.isEmpty() && caFile.isEmpty()) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        certFile.ifPresentOrElse(TlsOptions::readable, () -> missing.add("--tls-cert (or $" + CERT_ENVIRONMENT + ")"));
        keyFile.ifPresentOrElse(TlsOptions::readable, () -> missing.add("--tls-key (or $" + KEY_ENVIRONMENT + ")"));
        caFile.ifPresentOrElse(TlsOptions::readable, () -> missing.add("--tls-ca (or $" + CA_ENVIRONMENT + ")"));
        if (!missing.isEmpty()) {
            throw new MusterException(
                    ExitCode.USAGE,
                    "TLS needs a certificate, its key and the CA; missing: " + String.join(", ", missing));
        }
        return Optional.of(new TlsFiles(certFile.get(), keyFile.get(), caFile.get()));
    }

    private static Optional<Path> pick(Path option, Map<String, String> environment, String variable) {
        return Optional.ofNullable(option)
                .or(() -> Optional.ofNullable(environment.get(variable))
                        .filter(text -> !text.isBlank())
                        .map(Path::of));
    }

    private static void readable(Path file) {
        if (!Files.isReadable(file)) {
            throw new MusterException(
                    ExitCode.CONFIG, "cannot read " + file + " (missing, or not readable by this user)");
        }
    }
}
