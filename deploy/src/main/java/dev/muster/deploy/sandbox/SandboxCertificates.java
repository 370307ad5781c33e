package dev.muster.deploy.sandbox;

import dev.muster.common.tls.CertificateAuthority;
import dev.muster.common.tls.CertificateRequest;
import dev.muster.common.tls.Identity;
import dev.muster.common.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The sandbox's throwaway CA and the certificates of its parties: the coordinator (for
 * 127.0.0.1 and localhost), each region's agent and one operator, an admin. They live in
 * the work directory and go with it.
 */
final class SandboxCertificates {

    static final String OPERATOR = "sandbox";
    private static final Duration VALIDITY = Duration.ofDays(1);

    private final Path dir;

    private SandboxCertificates(Path dir) {
        this.dir = dir;
    }

    static SandboxCertificates create(Path dir, List<Integer> regions) {
        Instant now = Instant.now();
        CertificateAuthority ca =
                CertificateAuthority.create("muster sandbox CA", now.minus(Duration.ofMinutes(5)), now.plus(VALIDITY));
        ca.write(dir);
        Instant notBefore = now.minus(Duration.ofMinutes(5));
        ca.issue(CertificateRequest.coordinator(List.of("127.0.0.1", "localhost")), notBefore, now.plus(VALIDITY))
                .write(dir, "coordinator");
        for (int region : regions) {
            ca.issue(
                            CertificateRequest.client(new Identity.Region(region), Identity.DEFAULT_TRUST_DOMAIN),
                            notBefore,
                            now.plus(VALIDITY))
                    .write(dir, "region-" + region);
        }
        ca.issue(
                        CertificateRequest.client(new Identity.Operator(OPERATOR), Identity.DEFAULT_TRUST_DOMAIN),
                        notBefore,
                        now.plus(VALIDITY))
                .write(dir, "operator-" + OPERATOR);
        return new SandboxCertificates(dir);
    }

    Path dir() {
        return dir;
    }

    TlsFiles coordinator() {
        return files("coordinator");
    }

    TlsFiles region(int region) {
        return files("region-" + region);
    }

    TlsFiles operator() {
        return files("operator-" + OPERATOR);
    }

    /** The options that make {@code muster} an admin of the sandbox's coordinator. */
    List<String> operatorOptions() {
        TlsFiles files = operator();
        return List.of(
                "--tls-cert",
                files.cert().toString(),
                "--tls-key",
                files.key().toString(),
                "--tls-ca",
                files.ca().toString());
    }

    private TlsFiles files(String base) {
        return new TlsFiles(
                dir.resolve(base + ".crt"), dir.resolve(base + ".key"), dir.resolve(CertificateAuthority.CERT_FILE));
    }
}
