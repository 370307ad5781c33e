package dev.muster.it.scale;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The simulated agents of one run, in this JVM: region {@value #GLOBAL} the global, regions
 * 1..N member remotes, every one with the same history of M applied migrations (a fleet kept
 * in step, as in production). The sessions share {@value #CHANNELS} plaintext gRPC connections
 * on loopback: HTTP/2 multiplexes them there as it would any other streams, and an agent's
 * identity on a plaintext port is the region its Hello claims, so no connection of its own is
 * needed to speak for a region. At most {@value #CONNECTING} Hellos are unanswered at once, as
 * agents that dial in together but not in lock-step; that also bounds what the client side
 * buffers.
 */
final class SimulatedFleet implements AutoCloseable {

    static final int GLOBAL = 0;
    static final int CHANNELS = 4;
    static final int CONNECTING = 64;
    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<SimulatedAgent> remotes = new ArrayList<>();
    private final SimulatedAgent global = new SimulatedAgent(GLOBAL);
    private final int migrations;

    SimulatedFleet(int port, int regions, int migrations) {
        this.migrations = migrations;
        for (int i = 0; i < CHANNELS; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build());
        }
        for (int region = 1; region <= regions; region++) {
            remotes.add(new SimulatedAgent(region));
        }
    }

    /** Member regions 1..N. */
    static List<Integer> members(int regions) {
        List<Integer> members = new ArrayList<>();
        for (int region = 1; region <= regions; region++) {
            members.add(region);
        }
        return members;
    }

    List<SimulatedAgent> remotes() {
        return remotes;
    }

    SimulatedAgent global() {
        return global;
    }

    /** Says every region's Hello, the global's first; returns once every one has its answer or has failed. */
    void helloAll() throws InterruptedException {
        List<Migration> applied = new ArrayList<>();
        List<Migration> available = new ArrayList<>();
        for (int i = 1; i <= migrations; i++) {
            applied.add(applied(i));
            available.add(file(i));
        }
        Semaphore connecting = new Semaphore(CONNECTING);
        List<SimulatedAgent> all = new ArrayList<>();
        all.add(global);
        all.addAll(remotes);
        for (int i = 0; i < all.size(); i++) {
            SimulatedAgent agent = all.get(i);
            connecting.acquire();
            agent.connect(channels.get(i % CHANNELS), hello(agent.region(), applied, available));
            agent.welcomed().whenComplete((at, failure) -> connecting.release());
        }
        connecting.acquire(CONNECTING);
        connecting.release(CONNECTING);
    }

    private static Hello hello(int region, List<Migration> applied, List<Migration> available) {
        return Hello.newBuilder()
                .setRegion(region)
                .setRole(region == GLOBAL ? Role.GLOBAL : Role.REMOTE)
                .setAgentVersion("scale-benchmark")
                .setInstanceId("simulated-" + region)
                .setDatabaseId("simulated/" + region)
                .addAllApplied(applied)
                .addAllAvailable(available)
                .build();
    }

    /** Migration number {@code n} as the migration files have it. */
    static Migration file(int n) {
        return Migration.newBuilder()
                .setVersion(version(n))
                .setDescription("scale benchmark step " + n)
                .setChecksum(n * 7919)
                .build();
    }

    /** Migration number {@code n} as Flyway's history records it once applied. */
    static Migration applied(int n) {
        return file(n).toBuilder()
                .setInstalledOn(Timestamp.newBuilder().setSeconds(EPOCH.getEpochSecond() + n))
                .setExecutionTime(Duration.newBuilder().setNanos(12_000_000))
                .setInstalledRank(n)
                .build();
    }

    static String version(int n) {
        return String.format("%08d", n);
    }

    /** Half-closes every session, and waits until the coordinator has completed them. */
    @Override
    public void close() throws InterruptedException {
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        ended.add(global.close());
        remotes.forEach(remote -> ended.add(remote.close()));
        try {
            CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            // the channels are shut down anyway: a session that did not end is cancelled with them
        }
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
