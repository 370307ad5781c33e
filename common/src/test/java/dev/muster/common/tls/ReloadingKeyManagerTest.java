package dev.muster.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingKeyManagerTest {

    @TempDir
    Path dir;

    @Test
    void aRotatedPairServesTheNextHandshakeUnderAnAliasOfItsOwn() {
        TestPki pki = TestPki.create(dir);
        TlsFiles files = pki.coordinator();
        ReloadingKeyManager keys = new ReloadingKeyManager(files.cert(), files.key());
        String before = keys.chooseEngineServerAlias("EC", null, null);
        var oldChain = keys.getCertificateChain(before);

        pki.coordinator();
        String after = keys.chooseEngineServerAlias("EC", null, null);

        assertThat(after).isNotEqualTo(before);
        assertThat(keys.getCertificateChain(after)[0].getSerialNumber()).isNotEqualTo(oldChain[0].getSerialNumber());
        assertThat(PemFiles.matches(keys.getPrivateKey(after), keys.getCertificateChain(after)[0]))
                .isTrue();
        // a handshake that chose the old alias still gets the old pair, whole
        assertThat(keys.getCertificateChain(before)[0].getSerialNumber()).isEqualTo(oldChain[0].getSerialNumber());
        assertThat(PemFiles.matches(keys.getPrivateKey(before), keys.getCertificateChain(before)[0]))
                .isTrue();
    }

    @Test
    void halfARotationKeepsTheOldPairUntilBothFilesAgree() throws Exception {
        TestPki pki = TestPki.create(dir);
        TlsFiles files = pki.coordinator();
        ReloadingKeyManager keys = new ReloadingKeyManager(files.cert(), files.key());
        String served = keys.chooseEngineServerAlias("EC", null, null);
        TlsFiles next = pki.issue("next", CertificateRequest.coordinator(java.util.List.of("127.0.0.1")));

        Files.copy(next.cert(), files.cert(), StandardCopyOption.REPLACE_EXISTING);
        assertThat(keys.chooseEngineServerAlias("EC", null, null))
                .as("the new certificate with the old key")
                .isEqualTo(served);

        Files.copy(next.key(), files.key(), StandardCopyOption.REPLACE_EXISTING);
        String rotated = keys.chooseEngineServerAlias("EC", null, null);
        assertThat(rotated).isNotEqualTo(served);
        assertThat(keys.certificate().getSerialNumber())
                .isEqualTo(PemFiles.certificates(next.cert()).get(0).getSerialNumber());
    }

    @Test
    void onlyAHandshakeAskingForTheKeysTypeGetsIt() {
        TlsFiles files = TestPki.create(dir).region(1);
        ReloadingKeyManager keys = new ReloadingKeyManager(files.cert(), files.key());

        assertThat(keys.chooseEngineServerAlias("RSA", null, null)).isNull();
        assertThat(keys.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null))
                .isNotNull();
        assertThat(keys.getPrivateKey("no such alias")).isNull();
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() {
        TestPki pki = TestPki.create(dir);
        TlsFiles one = pki.region(1);
        TlsFiles two = pki.region(2);

        assertThatThrownBy(() -> new ReloadingKeyManager(one.cert(), two.key()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("is not the key of the certificate " + one.cert());
    }
}
