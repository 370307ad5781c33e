package dev.muster.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }

    @Test
    void readsKeysInTheFormatsOpensslWrites() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        PrivateKey rsaKey = rsa.generateKeyPair().getPrivate();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        PrivateKey ecKey = ec.generateKeyPair().getPrivate();

        // JcaPEMWriter writes an RSA key as OpenSSL's traditional PKCS#1; SEC1 as OpenSSL writes
        // it names the curve inside the key, which a JDK key's encoding leaves to PKCS#8's wrapper
        Path pkcs1 = write("rsa.key", rsaKey);
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(ecKey.getEncoded());
        ECPrivateKey bare = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey named = new ECPrivateKey(
                256,
                bare.getKey(),
                bare.getPublicKey(),
                info.getPrivateKeyAlgorithm().getParameters());
        Path sec1 = write("ec.key", new PemObject("EC PRIVATE KEY", named.getEncoded()));
        Path pkcs8 = write("pkcs8.key", new JcaPKCS8Generator(ecKey, null));

        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(PemFiles.privateKey(pkcs1).getEncoded()).isEqualTo(rsaKey.getEncoded());
        assertThat(((java.security.interfaces.ECPrivateKey) PemFiles.privateKey(sec1)).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) ecKey).getS());
        assertThat(PemFiles.privateKey(pkcs8).getEncoded()).isEqualTo(ecKey.getEncoded());
    }

    @Test
    void anEncryptedKeyIsRefusedWithoutQuotingIt() throws Exception {
        PrivateKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
        Path encrypted = write(
                "encrypted.key",
                new JcaPKCS8Generator(
                        key,
                        new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                                .setPassword("hunter2".toCharArray())
                                .build()));

        assertThatThrownBy(() -> PemFiles.privateKey(encrypted))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("encrypted private key")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("MII");
    }

    @Test
    void filesThatAreNotWhatTheySeemAreNamed() throws Exception {
        Path certificate = TestPki.create(dir.resolve("ca")).region(1).cert();
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not pem\n");

        assertThatThrownBy(() -> PemFiles.privateKey(certificate))
                .hasMessageContaining(certificate + " holds no private key");
        assertThatThrownBy(() -> PemFiles.certificates(garbage)).hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("absent.key")))
                .hasMessageContaining("absent.key does not exist");
    }

    @Test
    void issuedKeysAreReadableByTheirOwnerOnly() throws Exception {
        TlsFiles files = TestPki.create(dir.resolve("ca")).operator("alice");

        assertThat(Files.getPosixFilePermissions(files.key()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(dir.resolve("ca").resolve(CertificateAuthority.KEY_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
}
