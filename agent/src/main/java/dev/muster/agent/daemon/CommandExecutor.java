package dev.muster.agent.daemon;

import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.MigrationVersion;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.agent.steps.UpgradeSteps;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.io.LineWriter;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Command;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the coordinator's Commands as the steps of an upgrade, on the daemon's command
 * thread, one at a time: each step runs as its {@code muster-agent} command would, what it
 * prints becomes the result's output, and a failure its exit status and last line, as on the
 * command line. The migrate step runs on the daemon's own session, lent by {@link SessionGate}.
 */
final class CommandExecutor {

    private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);
    /** The exit status of a command this agent does not know: a usage error, as on the command line. */
    static final int UNKNOWN_STATUS = ExitCode.USAGE.status();

    static final String UNKNOWN_COMMAND =
            "This agent does not know that command; it may be older than the coordinator. Nothing was done";
    static final String STOPPED = "The agent was stopped while this command ran";

    /** How a step runs, once the command has been read. */
    @FunctionalInterface
    private interface Action {
        void run(PrintWriter out) throws InterruptedException;
    }

    /**
     * @param metric      the step in the daemon's metrics, e.g. {@code replication_teardown}
     * @param commandLine the {@code muster-agent} command it does the work of, for the log
     * @param name        what the command line calls it in an error, e.g. {@code teardown}
     */
    private record Step(String metric, String commandLine, String name, Action action) {}

    private final UpgradeSteps steps;
    private final SessionGate gate;
    private final MeterRegistry registry;
    private volatile boolean running;

    CommandExecutor(UpgradeSteps steps, SessionGate gate, MeterRegistry registry) {
        this.steps = steps;
        this.gate = gate;
        this.registry = registry;
        // every step's series from the start, at 0: a dashboard has them before the first upgrade
        for (String step : List.of("migrate", "replication_teardown", "replication_setup", "replication_verify")) {
            for (String outcome : List.of("succeeded", "failed")) {
                timer(step, outcome);
            }
        }
    }

    /** Whether a step runs now. */
    boolean running() {
        return running;
    }

    /** Carries out {@code command} and returns its result. */
    AgentMessage carryOut(Command command) {
        long id = command.getCommandId();
        Optional<Step> known = stepOf(command);
        if (known.isEmpty()) {
            log.info("Command {} is none this agent knows; answering with exit status {}", id, UNKNOWN_STATUS);
            return WireMessages.commandResult(id, UNKNOWN_STATUS, List.of(UNKNOWN_COMMAND));
        }
        Step step = known.get();
        log.info("Command {}: {}", id, step.commandLine());
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        int status = run(step, line -> {
            log.debug("Command {}: {}", id, line);
            output.add(line);
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        timer(step.metric(), status == 0 ? "succeeded" : "failed").record(took);
        String seconds = AgentDaemon.seconds(took);
        if (status == 0) {
            log.info("Command {} ({}) succeeded after {}", id, step.commandLine(), seconds);
        } else {
            log.info(
                    "Command {} ({}) exited with status {} after {}{}",
                    id,
                    step.commandLine(),
                    status,
                    seconds,
                    output.isEmpty() ? "" : ": " + output.get(output.size() - 1));
        }
        return WireMessages.commandResult(id, status, output);
    }

    /** Runs {@code step}, its output and any failure in {@code line}; returns its exit status. */
    private int run(Step step, Consumer<String> line) {
        LineWriter lines = new LineWriter(line);
        // One writer for the output and the failure, so that the failure comes last, as on a terminal.
        PrintWriter out = new PrintWriter(lines, true);
        running = true;
        try {
            step.action().run(out);
            return 0;
        } catch (MusterException failure) {
            out.println(step.name() + ": " + failure.getMessage());
            return failure.exitCode().status();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println(STOPPED);
            return ExitCode.FAILED.status();
        } catch (RuntimeException e) {
            log.warn("{} failed unexpectedly", step.commandLine(), e);
            out.println(step.name() + ": unexpected failure: " + e);
            return ExitCode.FAILED.status();
        } finally {
            running = false;
            out.flush();
            lines.close();
        }
    }

    private Optional<Step> stepOf(Command command) {
        // A switch expression: an action added to the proto does not compile until it is mapped here.
        return switch (command.getActionCase()) {
            case TEARDOWN -> {
                String mode = command.getTeardown().getMode();
                yield Optional.of(new Step(
                        "replication_teardown",
                        "replication teardown --mode " + mode,
                        "teardown",
                        out -> steps.teardown(teardownMode(mode), out)));
            }
            case MIGRATE -> {
                String target = command.getMigrate().getTargetVersion();
                yield Optional.of(new Step(
                        "migrate",
                        target.isEmpty() ? "migrate" : "migrate --to " + target,
                        "migrate",
                        out -> migrate(target, out)));
            }
            case SETUP -> Optional.of(new Step("replication_setup", "replication setup", "setup", steps::setup));
            case VERIFY -> Optional.of(new Step("replication_verify", "replication verify", "verify", steps::verify));
            // not a step: the daemon reads its files on its own thread, not behind a running step
            case READ_CODE, ACTION_NOT_SET -> Optional.empty();
        };
    }

    private void migrate(String target, PrintWriter out) throws InterruptedException {
        Optional<String> version = target.isEmpty() ? Optional.empty() : Optional.of(version(target));
        try {
            steps.migrate(version, gate, gate.open(), out);
        } finally {
            gate.close();
        }
    }

    private static String version(String target) {
        try {
            return MigrationVersion.parse(target);
        } catch (IllegalArgumentException e) {
            throw new MusterException(ExitCode.USAGE, e.getMessage());
        }
    }

    private static TeardownMode teardownMode(String mode) {
        try {
            return TeardownMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new MusterException(ExitCode.USAGE, e.getMessage());
        }
    }

    private Timer timer(String step, String outcome) {
        return Timer.builder("muster_agent_commands")
                .description("Steps of upgrades the daemon carried out, by command and outcome")
                .tag("command", step)
                .tag("outcome", outcome)
                .register(registry);
    }
}
