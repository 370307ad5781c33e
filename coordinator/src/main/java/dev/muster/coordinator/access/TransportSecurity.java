package dev.muster.coordinator.access;

import dev.muster.common.tls.Identity;
import dev.muster.common.tls.TlsFiles;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the coordinator's port is protected. With {@code tls}, every party shows a
 * certificate from the CA and is who its certificate says; without it nobody is
 * authenticated, which the configuration allows only on a loopback address or when it says
 * {@code insecure: true}.
 *
 * @param trustDomain  the SPIFFE trust domain identities are read in
 * @param globalRegion with TLS, the only region whose certificate may speak as the global
 */
public record TransportSecurity(
        Optional<TlsFiles> tls, String trustDomain, Operators operators, OptionalInt globalRegion, Mode mode) {

    public enum Mode {
        /** Mutual TLS: identities from certificates, operators by role. */
        MUTUAL_TLS,
        /** Plaintext, reachable from this host only: whoever runs commands here is trusted. */
        PLAINTEXT_LOOPBACK,
        /** Plaintext on a network address, because the configuration says {@code insecure: true}. */
        INSECURE
    }

    public static TransportSecurity mutualTls(TlsFiles tls, String trustDomain, Operators operators, int globalRegion) {
        return new TransportSecurity(
                Optional.of(tls), trustDomain, operators, OptionalInt.of(globalRegion), Mode.MUTUAL_TLS);
    }

    public static TransportSecurity plaintext(Mode mode) {
        if (mode == Mode.MUTUAL_TLS) {
            throw new IllegalArgumentException("mutual TLS needs its files");
        }
        return new TransportSecurity(
                Optional.empty(), Identity.DEFAULT_TRUST_DOMAIN, Operators.NONE, OptionalInt.empty(), mode);
    }

    public boolean authenticates() {
        return mode == Mode.MUTUAL_TLS;
    }
}
