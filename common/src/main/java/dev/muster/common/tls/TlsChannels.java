package dev.muster.common.tls;

import dev.muster.common.net.HostPort;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.NotSslRecordException;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A client's channel to the coordinator: mutual TLS when the client has its files,
 * plaintext otherwise. {@link #explain} turns a failed connection into one line that names
 * the address and the cause, for a person to act on.
 */
public final class TlsChannels {

    private final HostPort address;
    private final Optional<TlsFiles> tls;

    private TlsChannels(HostPort address, Optional<TlsFiles> tls) {
        this.address = address;
        this.tls = tls;
    }

    public static TlsChannels to(HostPort address, Optional<TlsFiles> tls) {
        return new TlsChannels(address, tls);
    }

    /** A builder for the channel; a certificate or key that cannot be read is a {@link TlsConfigException} here. */
    public NettyChannelBuilder builder() {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port());
        if (tls.isPresent()) {
            builder.sslContext(TlsContexts.client(tls.get(), Clock.systemUTC()));
        } else {
            builder.usePlaintext();
        }
        return builder;
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
        if (tls.isEmpty() && failure != null && String.valueOf(failure.getMessage()).contains("Network closed for unknown reason")) {
            return Optional.of("the coordinator at " + address + " closed the connection at once: if it serves TLS, give "
                    + "this client a certificate, its key and the CA (agents: coordinator.tls in their configuration; "
                    + "muster: --tls-cert, --tls-key, --tls-ca or MUSTER_TLS_CERT, MUSTER_TLS_KEY, MUSTER_TLS_CA)");
        }
        return Optional.empty();
    }

    private String handshake(String message) {
        Optional<String> own = tls.flatMap(TlsChannels::ownProblem);
        if (own.isPresent()) {
            return "the coordinator at " + address + " refused this client at the TLS handshake: " + own.get();
        }
        String mine = tls.map(files -> " (" + files.cert() + ")").orElse("");
        String alert = message.replaceFirst(".*Received fatal alert: ", "");
        if (!alert.equals(message)) {
            return "the coordinator at " + address + " refused this client's certificate" + mine + " at the TLS handshake: "
                    + switch (alert) {
                        case "certificate_expired" -> "it has expired or is not valid yet (TLS alert certificate_expired)";
                        case "bad_certificate" -> "it is not valid yet, or malformed (TLS alert bad_certificate)";
                        case "certificate_unknown", "unknown_ca" -> "it is not issued by the coordinator's CA (TLS alert "
                                + alert + ")";
                        case "certificate_required" -> "the coordinator requires one (TLS alert certificate_required)";
                        default -> "TLS alert " + alert;
                    } + "; the coordinator's event log says more";
        }
        return "TLS handshake with the coordinator at " + address + " failed: " + message;
    }

    /** What is wrong with this client's own certificate, which it can tell without asking the other side. */
    private static Optional<String> ownProblem(TlsFiles files) {
        try {
            return Certificates.validityProblem(PemFiles.certificates(files.cert()).get(0), Clock.systemUTC().instant())
                    .map(problem -> "this client's certificate " + files.cert() + ": " + problem);
        } catch (TlsConfigException e) {
            return Optional.of(e.getMessage());
        }
    }
}
