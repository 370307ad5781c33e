package dev.muster.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import javax.net.ssl.SSLException;

/**
 * Netty TLS contexts for gRPC, on the JDK's TLS (TLS 1.2 and 1.3), whose certificates, keys
 * and CAs are re-read from their files when they change.
 */
public final class TlsContexts {

    private TlsContexts() {}

    /**
     * TLS sessions are not resumed after this long: a resumed session skips certificate
     * checks, so an agent reconnecting with a renewed certificate must make a full handshake
     * to show it. Handshakes are rare here (sessions are long-lived), so this costs nothing.
     */
    static final long SESSION_TIMEOUT_SECONDS = 1;

    /**
     * The coordinator's side. A client certificate is asked for and, when presented,
     * verified at the handshake; one that is missing is refused right after, by the services,
     * which can then say so in words the client sees and in the event log.
     */
    public static SslContext server(ReloadingKeyManager keys, ReloadingTrustManager trust) {
        return build(GrpcSslContexts.configure(SslContextBuilder.forServer(keys), SslProvider.JDK)
                .trustManager(trust)
                .clientAuth(ClientAuth.OPTIONAL)
                .sessionTimeout(SESSION_TIMEOUT_SECONDS));
    }

    /** An agent's or an operator's side: it shows its certificate and verifies the coordinator's, host name included. */
    public static SslContext client(TlsFiles files, Clock clock) {
        ReloadingKeyManager keys = new ReloadingKeyManager(files.cert(), files.key());
        ReloadingTrustManager trust =
                new ReloadingTrustManager(files.ca(), "the coordinator", ReloadingTrustManager.Refusals.NONE, clock);
        return build(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .keyManager(keys)
                .trustManager(trust)
                .sessionTimeout(SESSION_TIMEOUT_SECONDS));
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
