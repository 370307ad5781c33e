package dev.muster.it.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Trials of the in-band anchor: every region migrates with plain Flyway, in a schema of
 * its own ({@value #SCHEMA}), the global released by {@link InBandSignal}. Per trial the
 * global starts first and waits, then region 1 migrates, then region 2.
 */
public final class InBandTrials {

    public static final String SCHEMA = "inband";

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final BenchmarkServers servers;
    private final InBandSignal signal;
    private final TrialMigrations migrations;

    public InBandTrials(BenchmarkServers servers, InBandSignal signal, Path dir) throws IOException {
        this.servers = servers;
        this.signal = signal;
        this.migrations = new TrialMigrations(dir);
    }

    /** Runs trial {@code trial}; region 1 starts {@code pause} after the global has begun to wait. */
    public TrialTimes run(int trial, Duration pause) throws Exception {
        String version = migrations.add(trial);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> global = new CompletableFuture<>();
        Thread globalRegion = new Thread(
                () -> {
                    try {
                        signal.await(version, remote -> waiting.countDown());
                        flyway(BenchmarkServers.GLOBAL).load().migrate();
                        global.complete(null);
                    } catch (Throwable t) {
                        global.completeExceptionally(t);
                    }
                },
                "inband-global");
        globalRegion.start();
        try {
            if (!waiting.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the in-band global did not start waiting for " + version);
            }
            Thread.sleep(pause.toMillis());
            for (int remote : BenchmarkServers.REMOTES) {
                flyway(remote).callbacks(signal.recorder(remote)).load().migrate();
            }
            global.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the in-band global did not apply " + version + " within " + PATIENCE, e);
        } finally {
            globalRegion.interrupt();
            globalRegion.join(PATIENCE.toMillis());
        }
        return TrialTimes.read(
                version,
                servers.dataSource(BenchmarkServers.GLOBAL, SCHEMA),
                servers.dataSource(1, SCHEMA),
                servers.dataSource(2, SCHEMA));
    }

    private FluentConfiguration flyway(int region) {
        return Flyway.configure()
                .dataSource(servers.dataSource(region))
                .schemas(SCHEMA)
                .locations(migrations.location())
                .loggers("slf4j");
    }
}
