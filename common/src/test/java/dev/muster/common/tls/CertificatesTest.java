package dev.muster.common.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatesTest {

    @TempDir
    Path dir;

    private X509Certificate leaf(TlsFiles files) {
        return PemFiles.certificates(files.cert()).get(0);
    }

    @Test
    void aCertificateNamesTheIdentityOfItsUri() {
        TestPki pki = TestPki.create(dir);

        assertThat(Certificates.identity(leaf(pki.region(7)), "muster")).contains(new Identity.Region(7));
        assertThat(Certificates.identity(leaf(pki.operator("alice")), "muster"))
                .contains(new Identity.Operator("alice"));
        assertThat(Certificates.identity(leaf(pki.region(7)), "elsewhere")).isEmpty();
        assertThat(Certificates.identity(leaf(pki.coordinator()), "muster")).isEmpty();
        assertThat(Certificates.describe(leaf(pki.region(7)))).startsWith("spiffe://muster/region/7, valid until ");
    }

    @Test
    void aCertificateNamingTwoIdentitiesNamesNone() {
        TestPki pki = TestPki.create(dir);
        TlsFiles both = pki.issue(
                "both",
                new CertificateRequest(
                        "both",
                        List.of(URI.create("spiffe://muster/region/1"), URI.create("spiffe://muster/operator/alice")),
                        List.of(),
                        List.of(),
                        false,
                        true));

        assertThat(Certificates.uris(leaf(both))).hasSize(2);
        assertThat(Certificates.identity(leaf(both), "muster")).isEmpty();
    }

    @Test
    void validitySaysWhichEndIsPassed() {
        TestPki pki = TestPki.create(dir);
        Instant now = Instant.now();

        assertThat(Certificates.validityProblem(leaf(pki.region(1)), now)).isEmpty();
        assertThat(Certificates.validityProblem(leaf(pki.expiredRegion(1)), now))
                .hasValueSatisfying(problem -> assertThat(problem).startsWith("the certificate expired at "));
        assertThat(Certificates.validityProblem(leaf(pki.notYetValidRegion(1)), now))
                .hasValueSatisfying(problem -> assertThat(problem).contains("not valid yet", "clock"));
        assertThat(Certificates.validityProblem(leaf(pki.region(1)), now.plus(Duration.ofDays(30))))
                .isPresent();
    }
}
