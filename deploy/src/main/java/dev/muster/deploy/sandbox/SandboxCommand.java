package dev.muster.deploy.sandbox;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster sandbox}: the whole upgrade procedure of three regions on one machine. */
@Command(
        name = "sandbox",
        description = {
            "Replay the upgrade procedure of a fleet on this machine: three embedded PostgreSQL servers",
            "(regions 99, 1 and 2), a coordinator and their agents, from the sample release jansa to",
            "kasparov, printing each step. Cleans up after itself."
        })
public final class SandboxCommand implements Callable<Integer> {

    private static final Duration CLEAN_UP_PATIENCE = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--teardown",
            paramLabel = "MODE",
            defaultValue = "drop",
            description = "How replication comes down before the upgrade: drop or disable (default: ${DEFAULT-VALUE})")
    String teardown;

    @Option(
            names = "--order",
            paramLabel = "ORDER",
            defaultValue = "default",
            description = {
                "default: tear replication down, migrate, set it up again;",
                "seed: as the manual procedure does, set replication up again on the new release before",
                "migrating, so that the fleet migrates with replication live (default: ${DEFAULT-VALUE})"
            })
    String order;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = {
                "Serve the coordinator's metrics on PORT and the agent daemons' on the next three ports",
                "(regions 1, 2 and 99), as Prometheus would scrape them on appliances"
            })
    Integer metricsPort;

    @Option(
            names = "--stay",
            description = "Keep the fleet running after the procedure, to explore it with muster status and its "
                    + "metrics, until stopped (Ctrl-C or SIGTERM)")
    boolean stay;

    @Option(
            names = "--migrations",
            paramLabel = "DIR",
            description = "The sample migrations (default: share/sample/migrations of the distribution)")
    Path migrations;

    @Override
    public Integer call() throws Exception {
        BundledPostgres.require(SandboxCommand.class.getClassLoader());
        if (!teardown.equals("drop") && !teardown.equals("disable")) {
            throw new MusterException(ExitCode.USAGE, "--teardown must be drop or disable, not '" + teardown + "'");
        }
        Path samples = migrations != null ? migrations : distributionSamples();
        if (System.getenv("MUSTER_LOG_LEVEL") == null) {
            // The story is told on standard output; the servers' and agents' logs would drown it.
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
            // The daemons warn of replication the sandbox takes down on purpose; its status step shows their reports.
            ((Logger) LoggerFactory.getLogger("dev.muster.agent.daemon")).setLevel(Level.ERROR);
            ((Logger) LoggerFactory.getLogger("dev.muster.coordinator.hub")).setLevel(Level.ERROR);
        }
        if (!order.equals("default") && !order.equals("seed")) {
            throw new MusterException(ExitCode.USAGE, "--order must be default or seed, not '" + order + "'");
        }
        if (metricsPort != null && (metricsPort < 1 || metricsPort > 65535 - Sandbox.REMOTES.size() - 1)) {
            throw new MusterException(
                    ExitCode.USAGE, "--metrics-port must leave room for four ports below 65536, not " + metricsPort);
        }
        Narrator narrator = new Narrator(spec.commandLine().getOut());
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread story = Thread.currentThread();
        // Ctrl-C or SIGTERM at any moment: the story is interrupted, and the JVM waits for the clean-up.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (stopped.getCount() > 0 && cleanedUp.getCount() > 0) {
                                stopped.countDown();
                                story.interrupt();
                                awaitQuietly(cleanedUp);
                            }
                        },
                        "muster-sandbox-stop"));
        boolean ranToTheEnd = false;
        try (Sandbox sandbox = new Sandbox(
                narrator,
                Files.createTempDirectory("muster-sandbox"),
                samples,
                teardown,
                order.equals("seed"),
                Optional.ofNullable(metricsPort))) {
            try {
                sandbox.run();
                ranToTheEnd = true;
            } catch (Exception e) {
                if (stopped.getCount() > 0) {
                    throw e;
                }
                // interrupted, or its servers stopped under it: PostgreSQL's own shutdown hooks run too
                narrator.say("");
                narrator.say("Stopped before the end; cleaning up.");
            }
            if (stay && ranToTheEnd) {
                sandbox.explore();
                try {
                    stopped.await();
                } catch (InterruptedException stop) {
                    // the shutdown hook's: the sandbox is to stop
                }
                narrator.say("");
                narrator.say("Stopping the sandbox.");
            }
        } finally {
            cleanedUp.countDown();
        }
        narrator.say("");
        narrator.say((ranToTheEnd ? "The sandbox ran the procedure to the end" : "The sandbox was stopped")
                + "; everything it started is stopped and removed.");
        return ranToTheEnd ? 0 : 128 + 15;
    }

    /** A stop waits for the clean-up, so that no server or temporary directory outlives the sandbox. */
    private static void awaitQuietly(CountDownLatch cleanedUp) {
        try {
            cleanedUp.await(CLEAN_UP_PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path distributionSamples() {
        String home = System.getProperty("muster.home");
        if (home == null) {
            throw new MusterException(
                    ExitCode.USAGE,
                    "run the sandbox with bin/muster from the distribution, "
                            + "or say where the sample migrations are with --migrations DIR");
        }
        return Path.of(home, "share", "sample", "migrations");
    }
}
