package dev.muster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.common.net.HostPort;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.GetStatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoordinatorTest {

    private static CoordinatorConfig listeningOn(int port) {
        return new CoordinatorConfig(
                new HostPort("127.0.0.1", port),
                Optional.empty(),
                List.of(1, 2),
                Optional.empty(),
                TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK));
    }

    @Test
    void aCreatedCoordinatorHasItsFleetAnswersOnceStartedAndStopsListeningWhenClosed() throws IOException {
        int port;
        try (Coordinator coordinator = Coordinator.create(listeningOn(0), "test")) {
            assertThat(coordinator.hub().fleet().members()).containsExactly(1, 2);

            coordinator.start();

            port = coordinator.port();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build();
            try {
                FleetStatus status = AdminServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getStatus(GetStatusRequest.getDefaultInstance());
                assertThat(status.getMemberRegionsList()).containsExactly(1, 2);
                assertThat(status.getCoordinatorVersion()).isEqualTo("test");
                assertThat(status.getSecurity()).isEqualTo(dev.muster.proto.v1.TransportSecurity.PLAINTEXT_LOOPBACK);
            } finally {
                channel.shutdownNow();
            }
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                .as("nothing listens once it is closed")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aCoordinatorStartsOnlyOnce() throws IOException {
        try (Coordinator coordinator = Coordinator.start(listeningOn(0), "test")) {
            assertThatThrownBy(coordinator::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
        }
    }

    @Test
    void aCoordinatorClosedBeforeItStartedCannotStart() {
        Coordinator coordinator = Coordinator.create(listeningOn(0), "test");

        coordinator.close();

        assertThatThrownBy(coordinator::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started or closed");
    }

    /** What the serve command relies on: the failure is an IOException, and closing afterwards is harmless. */
    @Test
    void aTakenPortFailsTheStartAndTheCoordinatorStillCloses() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Coordinator coordinator = Coordinator.create(listeningOn(taken.getLocalPort()), "test");

            assertThatThrownBy(coordinator::start).isInstanceOf(IOException.class);
            coordinator.close();
        }
    }
}
