package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.net.HostPort;
import dev.muster.common.tls.TlsChannels;
import dev.muster.common.tls.TlsFiles;
import dev.muster.proto.v1.AdminServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The operator's connection to the coordinator's AdminService; closing it closes the channel. */
final class AdminClient implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(15);

    private final HostPort address;
    private final TlsChannels transport;
    private final ManagedChannel channel;

    AdminClient(HostPort address, Optional<TlsFiles> tls) {
        this.address = address;
        this.transport = TlsChannels.to(address, tls);
        this.channel = transport.builder().build();
    }

    /** A unary call, with a deadline, whose failure becomes a message and an exit code. */
    <T> T call(Function<AdminServiceGrpc.AdminServiceBlockingStub, T> call) {
        try {
            return call.apply(AdminServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    /** A stub without a deadline, for streams that last until the operator stops them. */
    AdminServiceGrpc.AdminServiceBlockingStub streaming() {
        return AdminServiceGrpc.newBlockingStub(channel);
    }

    MusterException failure(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        Optional<String> tls = transport.explain(e);
        if (tls.isPresent()) {
            return new MusterException(ExitCode.UNAVAILABLE, tls.get(), e);
        }
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> new MusterException(ExitCode.USAGE, description);
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                new MusterException(ExitCode.REJECTED, "the coordinator at " + address + " refused: " + description, e);
            case FAILED_PRECONDITION -> new MusterException(ExitCode.REJECTED, description);
            case UNAVAILABLE, DEADLINE_EXCEEDED ->
                new MusterException(
                        ExitCode.UNAVAILABLE,
                        "cannot reach the coordinator at " + address + " (" + status.getCode() + ": " + description
                                + "); is 'muster serve' running there? (--coordinator, or MUSTER_COORDINATOR)",
                        e);
            case UNIMPLEMENTED ->
                new MusterException(
                        ExitCode.FAILED,
                        "the coordinator at " + address
                                + " does not offer this command; it may be older than this muster",
                        e);
            default ->
                new MusterException(
                        ExitCode.FAILED,
                        "the coordinator at " + address + " failed: " + status.getCode() + ": " + description,
                        e);
        };
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
