package dev.muster.coordinator.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/** Makes the caller's address available to services, for messages that say where an agent runs. */
final class PeerAddress implements ServerInterceptor {

    static final Context.Key<String> KEY = Context.key("muster-peer-address");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Context context = Context.current().withValue(KEY, address == null ? "unknown" : address.toString());
        return Contexts.interceptCall(context, call, headers, next);
    }

    static String current() {
        String peer = KEY.get();
        return peer == null ? "unknown" : peer;
    }
}
