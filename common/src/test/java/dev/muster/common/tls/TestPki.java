package dev.muster.common.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A CA in a directory and the certificates tests need from it, as files: the coordinator's
 * (127.0.0.1 and localhost), regions', operators', and broken ones (expired, not yet valid).
 */
public final class TestPki {

    private static final Duration VALIDITY = Duration.ofDays(2);

    private final Path dir;
    private final CertificateAuthority ca;

    private TestPki(Path dir, CertificateAuthority ca) {
        this.dir = dir;
        this.ca = ca;
    }

    public static TestPki create(Path dir) {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create(
                "test CA " + dir.getFileName(), now.minus(Duration.ofHours(1)), now.plus(VALIDITY));
        ca.write(dir);
        return new TestPki(dir, ca);
    }

    public Path dir() {
        return dir;
    }

    public Path caFile() {
        return dir.resolve(CertificateAuthority.CERT_FILE);
    }

    public CertificateAuthority ca() {
        return ca;
    }

    /** The coordinator's certificate, for 127.0.0.1 and localhost; issuing it again replaces the files in place. */
    public TlsFiles coordinator() {
        return issue("coordinator", CertificateRequest.coordinator(List.of("127.0.0.1", "localhost")), valid());
    }

    public TlsFiles region(int region) {
        return issue("region-" + region, CertificateRequest.client(new Identity.Region(region), "muster"), valid());
    }

    public TlsFiles operator(String name) {
        return issue("operator-" + name, CertificateRequest.client(new Identity.Operator(name), "muster"), valid());
    }

    /** Region {@code region}'s certificate, which expired an hour ago. */
    public TlsFiles expiredRegion(int region) {
        Instant now = Instant.now();
        return issue(
                "expired-region-" + region,
                CertificateRequest.client(new Identity.Region(region), "muster"),
                new Instant[] {now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))});
    }

    /** Region {@code region}'s certificate, valid from an hour from now. */
    public TlsFiles notYetValidRegion(int region) {
        Instant now = Instant.now();
        return issue(
                "future-region-" + region,
                CertificateRequest.client(new Identity.Region(region), "muster"),
                new Instant[] {now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2))});
    }

    /** A certificate for {@code request}, valid now, as {@code base}.crt/.key. */
    public TlsFiles issue(String base, CertificateRequest request) {
        return issue(base, request, valid());
    }

    private static Instant[] valid() {
        Instant now = Instant.now();
        return new Instant[] {now.minus(Duration.ofMinutes(5)), now.plus(VALIDITY)};
    }

    private TlsFiles issue(String base, CertificateRequest request, Instant[] window) {
        ca.issue(request, window[0], window[1]).write(dir, base);
        return new TlsFiles(dir.resolve(base + ".crt"), dir.resolve(base + ".key"), caFile());
    }
}
