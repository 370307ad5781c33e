package dev.muster.common.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for muster's own parties, so that a new user gets mutual
 * TLS right the first time ({@code muster certs}) and tests can make any certificate they
 * need. Keys are ECDSA P-256. Real deployments bring their own PKI: all muster asks of a
 * certificate is in {@link CertificateRequest}.
 */
public final class CertificateAuthority {

    public static final String CERT_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA whose certificate is valid from {@code notBefore} to {@code notAfter}. */
    public static CertificateAuthority create(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair pair = newKeyPair();
        X500Name name = name(commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            name, serial(), Date.from(notBefore), Date.from(notAfter), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA kept in {@code dir} ({@value #CERT_FILE}, {@value #KEY_FILE}). */
    public static CertificateAuthority load(Path dir) {
        X509Certificate certificate =
                PemFiles.certificates(dir.resolve(CERT_FILE)).get(0);
        PrivateKey key = PemFiles.privateKey(dir.resolve(KEY_FILE));
        if (!PemFiles.matches(key, certificate)) {
            throw new TlsConfigException(dir.resolve(KEY_FILE) + " is not the key of " + dir.resolve(CERT_FILE));
        }
        return new CertificateAuthority(certificate, key);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the CA into {@code dir}; refuses to overwrite a CA that is there. */
    public void write(Path dir) {
        writeNew(dir.resolve(CERT_FILE), pem(certificate), false);
        writeNew(dir.resolve(KEY_FILE), pem(key), true);
    }

    /** A key pair and a certificate for it, signed by this CA. */
    public Issued issue(CertificateRequest request, Instant notBefore, Instant notAfter) {
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            List<GeneralName> names = new ArrayList<>();
            request.uris()
                    .forEach(uri -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri.toString())));
            request.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
            for (InetAddress address : request.ipAddresses()) {
                names.add(new GeneralName(GeneralName.iPAddress, address.getHostAddress()));
            }
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (request.server()) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (request.client()) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            certificate,
                            serial(),
                            Date.from(notBefore),
                            Date.from(notAfter),
                            name(request.commonName()),
                            pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage,
                            false,
                            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            extensions.createAuthorityKeyIdentifier(certificate))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            if (!names.isEmpty()) {
                // RFC 5280: critical when the subject is empty, which it is not; non-critical is the common choice.
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(builder, key), pair.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    /** A certificate this CA issued, with its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        /**
         * Writes {@code <base>.crt} and {@code <base>.key} (readable by this user only) into
         * {@code dir}, replacing files that are there; the new files are renamed into place
         * so that a party re-reading them never sees one half-written.
         */
        public void write(Path dir, String base) {
            replace(dir.resolve(base + ".crt"), pem(certificate), false);
            replace(dir.resolve(base + ".key"), pem(key), true);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java cannot make ECDSA P-256 keys: " + e.getMessage(), e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(
                    object instanceof PrivateKey key
                            ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)
                            : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void writeNew(Path file, String text, boolean secret) {
        try {
            Path written = Files.createFile(directoryOf(file).resolve(file.getFileName()), permissions(file, secret));
            Files.writeString(written, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new TlsConfigException(file + " exists already; muster does not overwrite a CA (remove it first, or "
                    + "use another --dir)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void replace(Path file, String text, boolean secret) {
        try {
            Path dir = directoryOf(file);
            Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".new", permissions(file, secret));
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's directory, made if missing, readable by its owner only (it will hold keys). */
    private static Path directoryOf(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix(dir, "rwx------"));
        }
        return dir;
    }

    /**
     * A key is readable by its owner only from the moment it exists, never in between; a
     * certificate by everyone, as any public certificate.
     */
    private static FileAttribute<?>[] permissions(Path file, boolean secret) {
        return posix(file, secret ? "rw-------" : "rw-r--r--");
    }

    private static FileAttribute<?>[] posix(Path path, String permissions) {
        PosixFileAttributeView posix = null;
        try {
            Path existing = path.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            posix = existing == null ? null : Files.getFileAttributeView(existing, PosixFileAttributeView.class);
        } catch (SecurityException e) {
            // no view: the file system's defaults apply
        }
        return posix == null
                ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                };
    }
}
