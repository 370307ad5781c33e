package dev.muster.common.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the other side's certificate against the CA certificates in a file, re-read when
 * it changes. The JDK's PKIX validation decides (chain, validity, key usage and, for a
 * server, its host name); this class only adds a refusal that says which of those failed,
 * in words, and tells a {@link Refusals} listener, so that the coordinator's event log
 * names a party it turned away at the handshake.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {

    private static final Logger log = LoggerFactory.getLogger(ReloadingTrustManager.class);

    /** Who hears of a certificate refused at the handshake. Called on a network thread: must not block. */
    @FunctionalInterface
    public interface Refusals {
        Refusals NONE = (certificate, reason) -> {};

        /** {@code certificate} is the one presented: what it names is a claim, not verified. */
        void refused(X509Certificate certificate, String reason);
    }

    private record Trust(List<X509Certificate> authorities, X509ExtendedTrustManager pkix) {}

    private final Path caFile;
    private final String party;
    private final Refusals refusals;
    private final Clock clock;
    // Guarded by this.
    private Trust trust;
    private FileStamp stamp;
    private FileStamp refusedStamp;

    /**
     * @param party whose certificates it verifies, for messages: "the coordinator", "a client"
     */
    public ReloadingTrustManager(Path caFile, String party, Refusals refusals, Clock clock) {
        this.caFile = caFile;
        this.party = party;
        this.refusals = refusals;
        this.clock = clock;
        this.stamp = FileStamp.of(List.of(caFile));
        this.trust = load();
    }

    private synchronized Trust trust() {
        FileStamp now = FileStamp.of(List.of(caFile));
        if (now.equals(stamp) || now.equals(refusedStamp)) {
            return trust;
        }
        try {
            trust = load();
            stamp = now;
            refusedStamp = null;
            log.info(
                    "Re-read the CA certificates in {}: {} of them",
                    caFile,
                    trust.authorities().size());
        } catch (TlsConfigException e) {
            refusedStamp = now;
            log.warn("{}; still trusting the CA certificates read before", e.getMessage());
        }
        return trust;
    }

    private Trust load() {
        List<X509Certificate> authorities = PemFiles.certificates(caFile);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager pkix) {
                    return new Trust(authorities, pkix);
                }
            }
            throw new TlsConfigException("this Java has no PKIX trust manager to verify certificates with");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException(
                    "cannot trust the CA certificates in " + caFile + " (" + e.getMessage() + ")", e);
        }
    }

    /** One of the JDK's checks, on the trust read now. */
    @FunctionalInterface
    private interface Check {
        void on(X509ExtendedTrustManager pkix) throws CertificateException;
    }

    private void verify(X509Certificate[] chain, Check check) throws CertificateException {
        Trust current = trust();
        try {
            check.on(current.pkix());
        } catch (CertificateException e) {
            throw refuse(chain, e, current);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, pkix -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, pkix -> pkix.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, pkix -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, pkix -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClientTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    /**
     * Why {@code chain}, presented by a client earlier, would not be trusted now (expired
     * since, or its CA no longer in the file); empty when it would. For calls on a
     * connection, or a resumed TLS session, made before: the handshake's check is not enough.
     */
    public Optional<String> recheckClient(X509Certificate[] chain) {
        Trust current = trust();
        try {
            current.pkix().checkClientTrusted(chain, "UNKNOWN");
            return Optional.empty();
        } catch (CertificateException e) {
            return Optional.of(party + "'s certificate (" + Certificates.describe(chain[0]) + ") is no longer trusted: "
                    + diagnose(chain, e, current));
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trust().authorities().toArray(X509Certificate[]::new);
    }

    private CertificateException refuse(X509Certificate[] chain, CertificateException failure, Trust current) {
        X509Certificate leaf = chain[0];
        String reason = party + "'s certificate (" + Certificates.describe(leaf) + ") is refused: "
                + diagnose(chain, failure, current);
        refusals.refused(leaf, reason);
        // The JDK picks the TLS alert from the cause: keep PKIX's own, so that the other side
        // reads "certificate_expired" rather than "certificate_unknown" where it can.
        Throwable cause = failure.getCause() instanceof CertPathValidatorException pkix ? pkix : failure;
        return new CertificateException(reason, cause);
    }

    private String diagnose(X509Certificate[] chain, CertificateException failure, Trust current) {
        Optional<String> validity = Certificates.validityProblem(chain[0], clock.instant());
        if (validity.isPresent()) {
            return validity.get();
        }
        X509Certificate top = chain[chain.length - 1];
        boolean known = current.authorities().stream()
                .anyMatch(ca -> ca.getSubjectX500Principal().equals(top.getIssuerX500Principal()) && signedBy(top, ca));
        if (!known && !current.authorities().contains(top)) {
            return "it is not issued by a CA in " + caFile + " (its issuer is "
                    + top.getIssuerX500Principal().getName() + ")";
        }
        return failure.getMessage();
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate ca) {
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
