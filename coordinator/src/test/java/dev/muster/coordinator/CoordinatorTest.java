package dev.muster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.common.net.HostPort;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CoordinatorTest {

    private static CoordinatorConfig listeningOn(int port) {
        return new CoordinatorConfig(new HostPort("127.0.0.1", port), Optional.empty(), List.of(1, 2), Optional.empty(),
                TransportSecurity.plaintext(TransportSecurity.Mode.PLAINTEXT_LOOPBACK));
    }

    @Test
    void aCreatedCoordinatorHasItsFleetAndListensOnceStarted() throws IOException {
        try (Coordinator coordinator = Coordinator.create(listeningOn(0), "test")) {
            assertThat(coordinator.hub().fleet().members()).containsExactly(1, 2);

            coordinator.start();

            assertThat(coordinator.port()).isPositive();
            try (Socket agent = new Socket("127.0.0.1", coordinator.port())) {
                assertThat(agent.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aCoordinatorStartsOnlyOnce() throws IOException {
        try (Coordinator coordinator = Coordinator.start(listeningOn(0), "test")) {
            assertThatThrownBy(coordinator::start)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        }
    }

    @Test
    void aCoordinatorClosedBeforeItStartedCannotStart() {
        Coordinator coordinator = Coordinator.create(listeningOn(0), "test");

        coordinator.close();

        assertThatThrownBy(coordinator::start)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started or closed");
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
