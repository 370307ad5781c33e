package dev.muster.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM files as OpenSSL, step-ca and cert-manager write them. A key may be PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}); an encrypted key is refused, since a key's protection
 * here is the file's permissions. Messages name the file and never include its contents.
 */
public final class PemFiles {

    private PemFiles() {}

    /** Every certificate in {@code file}, in order (a leaf first, then the chain; or a CA bundle). */
    public static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file, "certificate");
        try {
            List<X509Certificate> certificates =
                    CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(bytes))
                            .stream()
                            .map(X509Certificate.class::cast)
                            .toList();
            if (certificates.isEmpty()) {
                throw new TlsConfigException(
                        file + " holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new TlsConfigException(file + " is not a PEM certificate file (" + e.getMessage() + ")", e);
        }
    }

    public static PrivateKey privateKey(Path file) {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        try (Reader reader = new StringReader(text);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsConfigException(file + " holds an encrypted private key; give muster the key unencrypted "
                        + "(e.g. openssl pkey -in " + file.getFileName() + " -out key.pem) in a file only the service "
                        + "user can read");
            }
            throw new TlsConfigException(file + " holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----, "
                    + "RSA PRIVATE KEY or EC PRIVATE KEY)");
        } catch (IOException e) {
            // PEMParser's messages quote no key material, only what kind of object it failed on.
            throw new TlsConfigException(file + " is not a PEM private key file (" + e.getMessage() + ")", e);
        }
    }

    /** Whether {@code key} is the private half of {@code certificate}'s public key. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> null;
            };
            if (algorithm == null) {
                return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm());
            }
            byte[] probe = "muster key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException("the " + what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new TlsConfigException(
                    "cannot read the " + what + " file " + file + " (" + e.getMessage()
                            + "; is it readable by this user?)",
                    e);
        }
    }
}
