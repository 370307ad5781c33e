package dev.muster.deploy.sandbox;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code muster sandbox}: the whole upgrade procedure of three regions on one machine. */
@Command(name = "sandbox",
        description = {
            "Replay the upgrade procedure of a fleet on this machine: three embedded PostgreSQL servers",
            "(regions 99, 1 and 2), a coordinator and their agents, from the sample release jansa to",
            "kasparov, printing each step. Cleans up after itself."})
public final class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--teardown", paramLabel = "MODE", defaultValue = "drop",
            description = "How replication comes down before the upgrade: drop or disable (default: ${DEFAULT-VALUE})")
    String teardown;

    @Option(names = "--migrations", paramLabel = "DIR",
            description = "The sample migrations (default: share/sample/migrations of the distribution)")
    Path migrations;

    @Override
    public Integer call() throws Exception {
        if (!teardown.equals("drop") && !teardown.equals("disable")) {
            throw new MusterException(ExitCode.USAGE, "--teardown must be drop or disable, not '" + teardown + "'");
        }
        Path samples = migrations != null ? migrations : distributionSamples();
        if (System.getenv("MUSTER_LOG_LEVEL") == null) {
            // The story is told on standard output; the servers' and agents' logs would drown it.
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
            // The daemons warn of replication the sandbox takes down on purpose; its status step shows their reports.
            ((Logger) LoggerFactory.getLogger("dev.muster.agent.daemon")).setLevel(Level.ERROR);
        }
        Narrator narrator = new Narrator(spec.commandLine().getOut());
        try (Sandbox sandbox = new Sandbox(narrator, Files.createTempDirectory("muster-sandbox"), samples, teardown)) {
            sandbox.run();
        }
        narrator.say("");
        narrator.say("The sandbox ran the procedure to the end; everything it started is stopped and removed.");
        return 0;
    }

    private static Path distributionSamples() {
        String home = System.getProperty("muster.home");
        if (home == null) {
            throw new MusterException(ExitCode.USAGE, "run the sandbox with bin/muster from the distribution, "
                    + "or say where the sample migrations are with --migrations DIR");
        }
        return Path.of(home, "share", "sample", "migrations");
    }
}
