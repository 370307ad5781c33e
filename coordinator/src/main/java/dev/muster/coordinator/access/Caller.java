package dev.muster.coordinator.access;

import dev.muster.common.tls.Identity;
import java.util.List;
import java.util.Optional;

/**
 * Who is calling, as the transport established it: never from what the caller says.
 *
 * @param peer             the caller's address, "host:port"
 * @param certificate      whether it showed a certificate (verified at the handshake)
 * @param identity         the muster identity its certificate names in the trust domain
 * @param certificateNames the URIs its certificate names, to say why none is an identity
 * @param credential       which certificate it showed ("certificate 5f2c…, valid until …"), empty without
 * @param distrust         why the certificate it showed at the handshake is not trusted now (it expired since,
 *                         or its CA was removed); its identity is then empty
 */
public record Caller(
        String peer,
        boolean certificate,
        Optional<Identity> identity,
        List<String> certificateNames,
        String credential,
        Optional<String> distrust) {

    public Caller {
        certificateNames = List.copyOf(certificateNames);
    }

    /** A caller on a plaintext port: nothing about it is verified. */
    public static Caller unauthenticated(String peer) {
        return new Caller(peer, false, Optional.empty(), List.of(), "", Optional.empty());
    }

    public static Caller of(String peer, Identity identity) {
        return new Caller(peer, true, Optional.of(identity), List.of(), "", Optional.empty());
    }

    /**
     * Where it connects from and, with TLS, with which certificate: an operator renewing
     * certificates sees in the event log when each agent's new one took effect.
     */
    public String connection() {
        return credential.isEmpty() ? peer : peer + " with " + credential;
    }

    /** How the event log names it as the actor: "operator alice (from 10.0.0.5:50412)". */
    public String actor() {
        return identity.map(Identity::describe)
                        .orElse(certificate ? "a client with no muster identity" : "an unauthenticated client")
                + " (from " + peer + ")";
    }

    public Optional<Integer> region() {
        return identity.filter(Identity.Region.class::isInstance).map(id -> ((Identity.Region) id).number());
    }
}
