package dev.muster.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingTrustManagerTest {

    @TempDir
    Path dir;

    private final List<String> refusals = new ArrayList<>();

    private ReloadingTrustManager trusting(Path ca) {
        return new ReloadingTrustManager(
                ca, "a client", (certificate, reason) -> refusals.add(reason), Clock.systemUTC());
    }

    private static X509Certificate[] chain(TlsFiles files) {
        return PemFiles.certificates(files.cert()).toArray(X509Certificate[]::new);
    }

    private String refusal(ReloadingTrustManager trust, TlsFiles files) {
        CertificateException refused = catchThrowableOfType(
                CertificateException.class, () -> trust.checkClientTrusted(chain(files), "UNKNOWN"));
        assertThat(refused).as("a refusal of " + files.cert()).isNotNull();
        return refused.getMessage();
    }

    @Test
    void aCertificateOfTheCaIsTrustedAndNoOneHearsOfIt() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("ca"));

        trusting(pki.caFile()).checkClientTrusted(chain(pki.region(1)), "UNKNOWN");

        assertThat(refusals).isEmpty();
    }

    @Test
    void eachRefusalSaysWhichCheckFailedAndIsHeard() {
        TestPki pki = TestPki.create(dir.resolve("ca"));
        TestPki other = TestPki.create(dir.resolve("other"));
        ReloadingTrustManager trust = trusting(pki.caFile());

        assertThat(refusal(trust, pki.expiredRegion(1)))
                .startsWith("a client's certificate (spiffe://muster/region/1")
                .contains("is refused: the certificate expired at ");
        assertThat(refusal(trust, pki.notYetValidRegion(1))).contains("is refused: the certificate is not valid yet");
        assertThat(refusal(trust, other.region(1)))
                .contains("is refused: it is not issued by a CA in " + pki.caFile(), "its issuer is CN=test CA other");
        assertThat(refusals).hasSize(3);
    }

    @Test
    void aCaFileReplacedInPlaceIsTrustedFromTheNextHandshake() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("ca"));
        TestPki next = TestPki.create(dir.resolve("next"));
        Path ca = Files.copy(pki.caFile(), dir.resolve("trusted.crt"));
        ReloadingTrustManager trust = trusting(ca);
        assertThat(refusal(trust, next.region(1))).contains("not issued by a CA in");

        Files.writeString(ca, Files.readString(pki.caFile()) + Files.readString(next.caFile()));

        trust.checkClientTrusted(chain(next.region(1)), "UNKNOWN");
        trust.checkClientTrusted(chain(pki.region(1)), "UNKNOWN");
        assertThat(trust.getAcceptedIssuers()).hasSize(2);
    }

    @Test
    void aBrokenCaFileKeepsTheCasReadBefore() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("ca"));
        Path ca = Files.copy(pki.caFile(), dir.resolve("trusted.crt"));
        ReloadingTrustManager trust = trusting(ca);

        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nhalf written");

        trust.checkClientTrusted(chain(pki.region(1)), "UNKNOWN");
        Files.copy(pki.caFile(), ca, StandardCopyOption.REPLACE_EXISTING);
        trust.checkClientTrusted(chain(pki.region(1)), "UNKNOWN");
    }
}
