package dev.muster.agent.daemon;

import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.WireMessages;
import dev.muster.common.ExitCode;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.ReplicationReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon tells the coordinator of its region unasked: its replication health and
 * what its migration files contain, as a session begins and then every interval; and, when
 * the coordinator asks, its files at once. Every method runs on the daemon's own thread,
 * where every read of the database and the files is made.
 */
final class RegionReporter {

    private static final Logger log = LoggerFactory.getLogger(RegionReporter.class);

    private final ScheduledExecutorService thread;
    private final CoordinatorLink link;
    private final BooleanSupplier connected;
    private final Supplier<ReplicationReport> reports;
    private final Optional<CodeWatcher> code;
    private final Duration interval;
    private final Counter reportsSent;
    private final ReplicationChanges changes = new ReplicationChanges();
    private ScheduledFuture<?> reporting;

    RegionReporter(
            ScheduledExecutorService thread,
            CoordinatorLink link,
            BooleanSupplier connected,
            Supplier<ReplicationReport> reports,
            Optional<CodeWatcher> code,
            Duration interval,
            MeterRegistry registry) {
        this.thread = thread;
        this.link = link;
        this.connected = connected;
        this.reports = reports;
        this.code = code;
        this.interval = interval;
        this.reportsSent = Counter.builder("muster_agent_replication_reports")
                .description("Replication reports sent to the coordinator")
                .register(registry);
    }

    /** A report now, then every interval: the coordinator learns the state as soon as a session begins. */
    void restart() {
        if (reporting != null) {
            reporting.cancel(false);
        }
        reporting = thread.scheduleWithFixedDelay(this::report, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The coordinator asked what the migration files contain now: the result of its command {@code commandId}. */
    AgentMessage readCode(long commandId) {
        if (code.isEmpty()) {
            return WireMessages.commandResult(
                    commandId, CommandExecutor.UNKNOWN_STATUS, List.of(CommandExecutor.UNKNOWN_COMMAND));
        }
        boolean read = sendCode();
        return WireMessages.commandResult(
                commandId,
                read ? 0 : ExitCode.UNAVAILABLE.status(),
                List.of(read ? "read the migration files" : "cannot read the migration files; see the agent's log"));
    }

    /** Reads the migration files and, with a session up, tells the coordinator; whether they could be read. */
    private boolean sendCode() {
        if (code.isEmpty()) {
            return false;
        }
        try {
            AgentMessage report = code.get().read();
            if (connected.getAsBoolean()) {
                link.send(report);
            }
            return true;
        } catch (RuntimeException e) {
            log.warn("Cannot read this region's migration files: {}", e.getMessage());
            return false;
        }
    }

    private void report() {
        sendCode();
        try {
            ReplicationReport report = reports.get();
            changes.next(report).ifPresent(change -> {
                if (change.warning()) {
                    log.warn("{}", change.line());
                } else {
                    log.info("{}", change.line());
                }
            });
            // Without a session it is dropped: the next session gets a fresh one.
            if (connected.getAsBoolean()) {
                link.send(WireMessages.replicationReport(report));
                reportsSent.increment();
            }
        } catch (RuntimeException e) {
            // An exception would end the schedule; the next report must still be made.
            log.warn("Cannot report this region's replication health", e);
        }
    }
}
