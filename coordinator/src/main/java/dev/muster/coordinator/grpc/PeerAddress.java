package dev.muster.coordinator.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Makes the caller's address available to services, for messages that say where an agent runs. */
final class PeerAddress implements ServerInterceptor {

    static final Context.Key<String> KEY = Context.key("muster-peer-address");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Context context = Context.current().withValue(KEY, describe(address));
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** "10.0.0.5:50412" rather than InetSocketAddress's "/10.0.0.5:50412". */
    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "unknown" : address.toString();
    }

    static String current() {
        String peer = KEY.get();
        return peer == null ? "unknown" : peer;
    }
}
