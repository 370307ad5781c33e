package dev.muster.it.bench;

import dev.muster.coordinator.Coordinator;
import dev.muster.coordinator.config.CoordinatorConfig;
import dev.muster.it.fixture.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A benchmark's coordinator, in the benchmark's JVM: plaintext gRPC on a free loopback port,
 * the remotes 1 and 2 its members, the fleet in memory.
 */
public record LoopbackCoordinator(Coordinator coordinator, String address) implements AutoCloseable {

    /** Starts one whose configuration file is written into {@code dir}. */
    public static LoopbackCoordinator start(Path dir) throws IOException {
        String address = "127.0.0.1:" + Ports.free();
        Path config =
                Files.writeString(dir.resolve("coordinator.yaml"), "listen: \"" + address + "\"\nregions: [1, 2]\n");
        return new LoopbackCoordinator(Coordinator.start(CoordinatorConfig.load(config), "benchmark"), address);
    }

    @Override
    public void close() {
        coordinator.close();
    }
}
