package dev.muster.coordinator.grpc;

import dev.muster.common.tls.Certificates;
import dev.muster.common.tls.Identity;
import dev.muster.common.tls.ReloadingTrustManager;
import dev.muster.coordinator.access.Caller;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Establishes who calls, from the transport alone: the peer's address, and on a TLS port
 * the identity its certificate (verified at the handshake) names. Services read it with
 * {@link #current()}; nothing a client sends in a message can change it.
 */
final class CallerInterceptor implements ServerInterceptor {

    private static final Context.Key<Caller> KEY = Context.key("muster-caller");

    private final String trustDomain;
    private final Optional<ReloadingTrustManager> trust;

    /** @param trust what verified the handshake, to verify again on each call; empty on a plaintext port */
    CallerInterceptor(String trustDomain, Optional<ReloadingTrustManager> trust) {
        this.trustDomain = trustDomain;
        this.trust = trust;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(KEY, caller(call));
        return Contexts.interceptCall(context, call, headers, next);
    }

    private Caller caller(ServerCall<?, ?> call) {
        String peer = describe(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Caller.unauthenticated(peer);
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Caller.unauthenticated(peer);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Caller.unauthenticated(peer);
        }
        String credential = "certificate " + leaf.getSerialNumber().toString(16) + ", valid until "
                + leaf.getNotAfter().toInstant();
        // A connection outlives its handshake, and a resumed session skips it: check again, now.
        X509Certificate[] certificates =
                Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        Optional<String> distrust = trust.flatMap(manager -> manager.recheckClient(certificates));
        if (distrust.isPresent()) {
            return new Caller(peer, true, Optional.empty(), Certificates.uris(leaf), credential, distrust);
        }
        Optional<Identity> identity = Certificates.identity(leaf, trustDomain);
        return new Caller(
                peer,
                true,
                identity,
                identity.isPresent() ? List.of() : Certificates.uris(leaf),
                credential,
                Optional.empty());
    }

    /** "10.0.0.5:50412" rather than InetSocketAddress's "/10.0.0.5:50412". */
    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "unknown" : address.toString();
    }

    /** The caller of the call being served; a call outside the interceptor (a test's) is an unknown one. */
    static Caller current() {
        Caller caller = KEY.get();
        return caller == null ? Caller.unauthenticated("unknown") : caller;
    }
}
