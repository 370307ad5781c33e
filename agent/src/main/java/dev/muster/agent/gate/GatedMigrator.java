package dev.muster.agent.gate;

import dev.muster.agent.config.RegionRole;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationFailure;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.agent.migrate.Migrations;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.proto.v1.Blocker;
import dev.muster.proto.v1.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code migrate}: applies the local database's pending migrations in the order the
 * fleet allows. A remote region applies them at once and reports each to the
 * coordinator; without a coordinator it still migrates, and reports when it can. The
 * global asks for release first and applies only what the coordinator releases, each
 * released range in one Flyway run; it never migrates without a Go. While it waits it
 * holds no connection, transaction or lock on its database.
 */
public final class GatedMigrator {

    private static final Logger log = LoggerFactory.getLogger(GatedMigrator.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final RegionRole role;
    private final Migrations migrations;
    private final CoordinatorLink link;
    private final BlockingQueue<LinkEvent> events;
    private final MigrationConsole console;
    private final Duration reportTimeout;

    /** @param events where {@code link} delivers its events; this migrator is their only reader */
    public GatedMigrator(RegionRole role, Migrations migrations, CoordinatorLink link,
                         BlockingQueue<LinkEvent> events, MigrationConsole console, Duration reportTimeout) {
        this.role = role;
        this.migrations = migrations;
        this.link = link;
        this.events = events;
        this.console = console;
        this.reportTimeout = reportTimeout;
    }

    /** Returns the migrations applied by this run. */
    public List<LocalMigration> run() throws InterruptedException {
        MigrationState initial = migrations.state();
        link.start();
        List<LocalMigration> applied = new ArrayList<>();
        if (!initial.pending().isEmpty()) {
            console.pending(initial.pendingVersions());
        }
        if (role == RegionRole.REMOTE) {
            if (!initial.pending().isEmpty()) {
                applied.addAll(apply(initial.pendingVersions().get(initial.pending().size() - 1)));
            }
        } else {
            applied.addAll(applyAsReleased());
        }
        console.upToDate(migrations.state().current().orElse(null));
        deliverReports();
        return applied;
    }

    private List<LocalMigration> applyAsReleased() throws InterruptedException {
        List<LocalMigration> applied = new ArrayList<>();
        List<String> pending = migrations.state().pendingVersions();
        while (!pending.isEmpty()) {
            String releasedUpTo = awaitRelease(pending);
            applied.addAll(apply(releasedUpTo));
            pending = migrations.state().pendingVersions();
        }
        return applied;
    }

    /** Asks for release of {@code pending} on every new session until a Go for some of them arrives. */
    private String awaitRelease(List<String> pending) throws InterruptedException {
        long askedOn = link.send(WireMessages.releaseRequest(pending));
        List<Integer> shownRegions = List.of();
        String shownVersion = null;
        while (true) {
            LinkEvent event = events.take();
            if (event instanceof LinkEvent.Connected connected && connected.session() != askedOn) {
                askedOn = link.send(WireMessages.releaseRequest(pending));
            } else if (event instanceof LinkEvent.Waiting waiting) {
                // A wait is re-sent when only its reasons change; the person watching is
                // told again only when the version or the regions it waits on change.
                Wait wait = waiting.signal();
                List<Integer> regions = wait.getWaitingOnList().stream().map(Blocker::getRegion).toList();
                if (!wait.getVersion().equals(shownVersion) || !regions.equals(shownRegions)) {
                    shownVersion = wait.getVersion();
                    shownRegions = regions;
                    for (Blocker blocker : wait.getWaitingOnList()) {
                        log.info("Waiting for region {}: {}", blocker.getRegion(), blocker.getReason());
                        console.waiting(blocker.getRegion(), wait.getVersion());
                    }
                }
            } else if (event instanceof LinkEvent.Released released
                    && pending.contains(released.go().getUpToVersion())) {
                return released.go().getUpToVersion();
            } else if (event instanceof LinkEvent.Rejected rejected) {
                throw new MusterException(ExitCode.REJECTED, "the coordinator at " + link.target()
                        + " refused to release migration " + pending.get(0) + ": " + rejected.reason());
            } else if (event instanceof LinkEvent.Disconnected disconnected) {
                console.linkDown(disconnected.reason(), disconnected.retryIn());
            }
        }
    }

    private List<LocalMigration> apply(String targetVersion) throws InterruptedException {
        List<String> pendingBefore = migrations.state().pendingVersions();
        List<LocalMigration> applied;
        try {
            applied = migrations.migrateTo(targetVersion);
        } catch (MigrationFailure failure) {
            // Those before the failed one committed: report them, then the failure, and
            // make sure the coordinator has both before this run ends.
            migrations.state().applied().stream()
                    .filter(migration -> pendingBefore.contains(migration.version()))
                    .forEach(this::report);
            link.send(WireMessages.failed(failure.version(), failure.getMessage()));
            deliverReports();
            throw failure;
        }
        applied.forEach(this::report);
        return applied;
    }

    private void report(LocalMigration migration) {
        console.applied(migration);
        link.send(WireMessages.applied(migration));
    }

    /** Waits until the coordinator has recorded this run's reports, or the report timeout passes. */
    private void deliverReports() throws InterruptedException {
        CompletableFuture<Void> delivered = link.finish();
        long deadline = System.nanoTime() + reportTimeout.toNanos();
        while (!delivered.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                console.reportFailed(link.target(), reportTimeout);
                return;
            }
            LinkEvent event = events.poll(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
            if (event instanceof LinkEvent.Disconnected disconnected) {
                console.linkDown(disconnected.reason(), disconnected.retryIn());
            } else if (event instanceof LinkEvent.Rejected rejected) {
                throw new MusterException(ExitCode.REJECTED, "the coordinator at " + link.target()
                        + " refused this agent's report: " + rejected.reason());
            }
        }
    }
}
