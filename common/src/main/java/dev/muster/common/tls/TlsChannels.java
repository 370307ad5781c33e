package dev.muster.common.tls;

import dev.muster.common.net.HostPort;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Enumeration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * A client's channel to the coordinator: mutual TLS when the client has its files,
 * plaintext otherwise. {@link #explain} turns a failed connection into one line that names
 * the address and the cause, for a person to act on.
 */
public final class TlsChannels {

    private final HostPort address;
    private final Optional<TlsFiles> tls;
    private SslContext context;

    private TlsChannels(HostPort address, Optional<TlsFiles> tls) {
        this.address = address;
        this.tls = tls;
    }

    public static TlsChannels to(HostPort address, Optional<TlsFiles> tls) {
        return new TlsChannels(address, tls);
    }

    /** A builder for the channel; a certificate or key that cannot be read is a {@link TlsConfigException} here. */
    public synchronized NettyChannelBuilder builder() {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port());
        if (tls.isPresent()) {
            context = TlsContexts.client(tls.get(), Clock.systemUTC());
            builder.sslContext(context);
        } else {
            builder.usePlaintext();
        }
        return builder;
    }

    /**
     * Makes the next connection a full handshake. A resumed TLS session shows the other side
     * the certificate of the session it resumes, so a certificate renewed on disk would not
     * be seen until the session expired; a session is rare and long, so a handshake each
     * costs nothing.
     */
    public synchronized void forgetSessions() {
        if (context == null) {
            return;
        }
        SSLSessionContext sessions = context.sessionContext();
        for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
            }
        }
    }

    public boolean secure() {
        return tls.isPresent();
    }

    /**
     * Why a connection failed at the TLS layer, in words: a plaintext/TLS mismatch, the
     * coordinator's certificate refused here, or this client's refused there. Empty when
     * the failure has nothing to do with TLS (the coordinator is down, say).
     */
    public Optional<String> explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return Optional.of("the coordinator at " + address + " answered in plaintext to this client's TLS: it "
                        + "serves no TLS (configure tls in its coordinator.yaml), or this is not the coordinator");
            }
            if (cause instanceof SSLHandshakeException || cause instanceof SSLException) {
                return Optional.of(handshake(cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            }
        }
        if (tls.isEmpty()
                && failure != null
                && String.valueOf(failure.getMessage()).contains("Network closed for unknown reason")) {
            return Optional.of("the coordinator at " + address + " closed the connection at once: it probably serves "
                    + "TLS, so give this client a certificate, its key and the CA (agents: coordinator.tls in their "
                    + "configuration; muster: --tls-cert, --tls-key, --tls-ca or MUSTER_TLS_CERT, MUSTER_TLS_KEY, "
                    + "MUSTER_TLS_CA); or it stopped");
        }
        return Optional.empty();
    }

    private String handshake(String message) {
        String alert = message.replaceFirst(".*Received fatal alert: ", "");
        if (alert.equals(message)) {
            // this side refused: the coordinator's certificate, in this trust manager's words
            return "cannot verify the coordinator at " + address + ": " + message;
        }
        // the coordinator refused: what this client can tell of its own certificate comes first
        Optional<String> own = tls.flatMap(TlsChannels::ownProblem);
        if (own.isPresent()) {
            return "the coordinator at " + address + " refused this client at the TLS handshake: " + own.get();
        }
        String mine = tls.map(files -> " (" + files.cert() + ")").orElse("");
        return "the coordinator at " + address + " refused this client's certificate" + mine + " at the TLS handshake "
                + "(TLS alert " + alert + "): "
                + switch (alert) {
                    case "certificate_required" -> "it requires one";
                    // the JDK says certificate_unknown for every refused client certificate
                    default ->
                        "not issued by its CA, expired or not valid yet by its clock, or not a client "
                                + "certificate; its event log ('muster watch') names the cause";
                };
    }

    /** What is wrong with this client's own certificate, which it can tell without asking the other side. */
    private static Optional<String> ownProblem(TlsFiles files) {
        try {
            return Certificates.validityProblem(
                            PemFiles.certificates(files.cert()).get(0),
                            Clock.systemUTC().instant())
                    .map(problem -> "this client's certificate " + files.cert() + ": " + problem);
        } catch (TlsConfigException e) {
            return Optional.of(e.getMessage());
        }
    }
}
