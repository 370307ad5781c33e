package dev.muster.common.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** What muster reads from a certificate: its URI names, its identity, and words for people. */
public final class Certificates {

    /** Subject alternative name types (RFC 5280). */
    private static final int DNS_NAME = 2;

    private static final int URI_NAME = 6;
    private static final int IP_ADDRESS = 7;

    private Certificates() {}

    /** The URIs among the certificate's subject alternative names. */
    public static List<String> uris(X509Certificate certificate) {
        return alternativeNames(certificate, URI_NAME);
    }

    /** Its subject alternative names of the given types (RFC 5280's numbers), as strings, in order. */
    private static List<String> alternativeNames(X509Certificate certificate, int... types) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        if (names != null) {
            for (List<?> name : names) {
                for (int type : types) {
                    if (name.size() == 2
                            && Integer.valueOf(type).equals(name.get(0))
                            && name.get(1) instanceof String text) {
                        found.add(text);
                    }
                }
            }
        }
        return found;
    }

    /**
     * The muster identity the certificate names in {@code trustDomain}. A certificate that
     * names two (a region and an operator, or two regions) names none: it is ambiguous.
     */
    public static Optional<Identity> identity(X509Certificate certificate, String trustDomain) {
        List<Identity> identities = uris(certificate).stream()
                .flatMap(uri -> Identity.parse(trustDomain, uri).stream())
                .distinct()
                .toList();
        return identities.size() == 1 ? Optional.of(identities.get(0)) : Optional.empty();
    }

    /**
     * "spiffe://muster/region/1, valid until 2027-12-03T15:51:00Z": its URI, DNS and IP names,
     * or its subject when it has none.
     */
    public static String describe(X509Certificate certificate) {
        List<String> names = alternativeNames(certificate, URI_NAME, DNS_NAME, IP_ADDRESS);
        String name = names.isEmpty() ? certificate.getSubjectX500Principal().getName() : String.join(", ", names);
        return name + ", valid until " + certificate.getNotAfter().toInstant();
    }

    /**
     * Why {@code certificate} is not valid at {@code now}, if it is not: the words a refused
     * party needs to fix it.
     */
    public static Optional<String> validityProblem(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            return Optional.of("the certificate expired at " + notAfter);
        }
        if (now.isBefore(notBefore)) {
            return Optional.of(
                    "the certificate is not valid yet: not before " + notBefore + " (is this machine's clock right?)");
        }
        return Optional.empty();
    }

    /** Whether a key can serve a handshake that asks for {@code keyType} ("RSA", "EC", "EC_EC", ...). */
    static boolean keyTypeMatches(PrivateKey key, String keyType) {
        String algorithm = key.getAlgorithm();
        return keyType.equals(algorithm)
                || keyType.startsWith(algorithm + "_")
                || ("EdDSA".equals(algorithm) && keyType.equals("Ed25519"));
    }
}
