package dev.muster.agent.gate;

import dev.muster.agent.config.RegionRole;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationFailure;
import dev.muster.agent.migrate.MigrationRefused;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.agent.migrate.Migrations;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.time.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code migrate}: applies the local database's pending migrations in the order the
 * fleet allows. A remote region applies them at once, on a session opened first, and
 * reports each to the coordinator the moment it commits; without a coordinator it still
 * migrates, and reports when it can. The global asks for release first and applies only
 * what the coordinator releases, each released range in one Flyway run; it never migrates
 * without a Go. While it waits it holds no transaction or lock on its database, only idle
 * connections ready for the Go. With a target version, both stop there: later migrations
 * are neither asked for nor applied.
 */
public final class GatedMigrator {

    private static final Logger log = LoggerFactory.getLogger(GatedMigrator.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Longer than the coordinator takes to notice a vanished session (HTTP/2 keepalive: 30 s). */
    static final Duration REFUSAL_PATIENCE = Duration.ofSeconds(60);
    /** How long a remote waits for its session before it migrates without one. */
    static final Duration SESSION_PATIENCE = Duration.ofSeconds(5);

    private final RegionRole role;
    private final Migrations migrations;
    private final GateLink link;
    private final BlockingQueue<LinkEvent> events;
    private final MigrationConsole console;
    private final Duration reportTimeout;
    private final Optional<String> target;
    private final WithEachMigration withEach;
    /** A refusal of this agent's certificate seen before a remote migrated: it ends the run once migrated. */
    private LinkEvent.Denied deniedBeforeMigrating;

    private long requestId;
    private Long firstRefusal;

    /** A migrator that applies every pending migration. */
    public GatedMigrator(
            RegionRole role,
            Migrations migrations,
            GateLink link,
            BlockingQueue<LinkEvent> events,
            MigrationConsole console,
            Duration reportTimeout) {
        this(role, migrations, link, events, console, reportTimeout, Optional.empty());
    }

    /**
     * @param events where {@code link} delivers its events; this migrator is their only reader
     * @param target the last version to apply; empty to apply every pending migration
     */
    public GatedMigrator(
            RegionRole role,
            Migrations migrations,
            GateLink link,
            BlockingQueue<LinkEvent> events,
            MigrationConsole console,
            Duration reportTimeout,
            Optional<String> target) {
        this(role, migrations, link, events, console, reportTimeout, target, WithEachMigration.NOTHING);
    }

    public GatedMigrator(
            RegionRole role,
            Migrations migrations,
            GateLink link,
            BlockingQueue<LinkEvent> events,
            MigrationConsole console,
            Duration reportTimeout,
            Optional<String> target,
            WithEachMigration withEach) {
        this.withEach = withEach;
        this.role = role;
        this.migrations = migrations;
        this.link = link;
        this.events = events;
        this.console = console;
        this.reportTimeout = reportTimeout;
        this.target = target;
    }

    /** Returns the migrations applied by this run. */
    public List<LocalMigration> run() throws InterruptedException {
        MigrationState initial = migrations.state();
        if (initial.blocker().isPresent()) {
            throw new MusterException(ExitCode.FAILED, initial.blocker().get());
        }
        // Before connecting: a target this region does not have ends the run with nothing done.
        List<LocalMigration> toApply = pendingUpToTarget(initial, "nothing was migrated");
        link.start();
        List<LocalMigration> applied = new ArrayList<>();
        if (!toApply.isEmpty()) {
            console.pending(versionsOf(toApply));
        }
        if (role == RegionRole.REMOTE) {
            if (!toApply.isEmpty()) {
                awaitSession();
                applied.addAll(
                        apply(toApply.get(toApply.size() - 1).version(), initial.pendingVersions(), Optional.empty()));
            }
        } else {
            applied.addAll(applyAsReleased(toApply));
        }
        console.upToDate(
                applied.isEmpty()
                        ? initial.current().orElse(null)
                        : applied.get(applied.size() - 1).version());
        deliverReports();
        return applied;
    }

    /**
     * The global holds its connections ready while it waits, the files validated against the
     * history on them, so that a Go starts the released migrations at once. Flyway reads the
     * migration files again when it runs: each migration is checked as it is about to run
     * against what was released, checksum included, and the run stops at the first that
     * differs; what the files say then is asked for again.
     */
    private List<LocalMigration> applyAsReleased(List<LocalMigration> toApply) throws InterruptedException {
        List<LocalMigration> applied = new ArrayList<>();
        List<LocalMigration> pending = toApply;
        while (!pending.isEmpty()) {
            try (Migrations.Readiness ready = migrations.keepReady()) {
                String upTo = awaitRelease(pending);
                List<LocalMigration> released =
                        pending.subList(0, versionsOf(pending).indexOf(upTo) + 1);
                applied.addAll(apply(upTo, versionsOf(pending), Optional.of(released)));
            }
            pending = pendingUpToTarget(migrations.state(), "the migration files changed during this run");
        }
        return applied;
    }

    /**
     * A remote reports each migration the moment it commits, on a session opened before it
     * migrates: wait for that session, or for the news that it cannot be had now (the remote
     * then migrates all the same and reports when it can), at most {@link #SESSION_PATIENCE}.
     */
    private void awaitSession() throws InterruptedException {
        if (link.sessionUp()) {
            return;
        }
        Deadline deadline = Deadline.after(SESSION_PATIENCE);
        while (!deadline.expired()) {
            LinkEvent event = events.poll(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
            if (event instanceof LinkEvent.Connected) {
                return;
            } else if (event instanceof LinkEvent.Disconnected disconnected) {
                console.linkDown(disconnected.reason(), disconnected.retryIn());
                return;
            } else if (event instanceof LinkEvent.Denied denied) {
                deniedBeforeMigrating = denied;
                return;
            } else if (event instanceof LinkEvent.Rejected rejected && rejected.refusesSession()) {
                refused(rejected.reason());
                return;
            }
        }
    }

    /**
     * What this run is to apply: every pending migration, or those up to and including the
     * target; none if the target is applied already.
     *
     * @param consequence what has happened if the target is missing, for the operator
     * @throws MusterException if the target is neither applied nor pending here
     */
    private List<LocalMigration> pendingUpToTarget(MigrationState state, String consequence) {
        if (target.isEmpty()) {
            return state.pending();
        }
        String version = target.get();
        if (state.applied().stream().anyMatch(migration -> migration.version().equals(version))) {
            return List.of();
        }
        int last = versionsOf(state.pending()).indexOf(version);
        if (last < 0) {
            String newest = state.available().isEmpty()
                    ? "this region has none"
                    : "this region's newest is "
                            + state.available()
                                    .get(state.available().size() - 1)
                                    .version();
            throw new MusterException(
                    ExitCode.FAILED,
                    "cannot migrate to " + version + ": it is no migration of "
                            + "this region's migration files, neither pending nor applied (" + newest
                            + "); " + consequence);
        }
        return state.pending().subList(0, last + 1);
    }

    /** Asks for release of {@code pending} on every new session until a Go for some of them arrives. */
    private String awaitRelease(List<LocalMigration> pending) throws InterruptedException {
        List<String> versions = versionsOf(pending);
        long askedOn = ask(pending);
        WaitDisplay display = new WaitDisplay(console);
        boolean linkWasDown = false;
        while (true) {
            LinkEvent event = events.take();
            if (event instanceof LinkEvent.Connected connected) {
                firstRefusal = null;
                if (linkWasDown) {
                    console.reconnected(link.target());
                    linkWasDown = false;
                }
                if (connected.session() != askedOn) {
                    askedOn = ask(pending);
                    // a new coordinator session: show what it waits on again, even if unchanged
                    display = new WaitDisplay(console);
                }
            } else if (event instanceof LinkEvent.Waiting waiting
                    && waiting.signal().getRequestId() == requestId) {
                display.show(waiting.signal());
            } else if (event instanceof LinkEvent.Released released
                    && released.go().getRequestId() == requestId
                    && versions.contains(released.go().getUpToVersion())) {
                return released.go().getUpToVersion();
            } else if (event instanceof LinkEvent.Denied denied) {
                throw denied(denied);
            } else if (event instanceof LinkEvent.Rejected rejected && rejected.refusesSession()) {
                refused(rejected.reason());
            } else if (event instanceof LinkEvent.Rejected rejected && rejected.requestId() == requestId) {
                throw new MusterException(
                        ExitCode.REJECTED,
                        "the coordinator at " + link.target() + " refused to release migration " + versions.get(0)
                                + ": " + rejected.reason());
            } else if (event instanceof LinkEvent.Disconnected disconnected) {
                console.linkDown(disconnected.reason(), disconnected.retryIn());
                linkWasDown = true;
            }
            // CommandReceived: commands are for the daemon; a migrate run ignores them.
        }
    }

    private long ask(List<LocalMigration> pending) {
        requestId++;
        return link.send(WireMessages.releaseRequest(requestId, pending));
    }

    /**
     * The coordinator refused this agent's session. That is expected for a moment after a
     * reconnect from another process of this agent, until the coordinator sees the old
     * session end; beyond {@link #REFUSAL_PATIENCE} it is a conflict an operator must fix.
     */
    private void refused(String reason) {
        long now = System.nanoTime();
        if (firstRefusal == null) {
            firstRefusal = now;
            console.refused(reason);
        } else if (now - firstRefusal > REFUSAL_PATIENCE.toNanos()) {
            throw new MusterException(
                    ExitCode.REJECTED, "the coordinator at " + link.target() + " refused this agent: " + reason);
        }
    }

    /** The coordinator will not take this agent for who its certificate says it is: no wait changes that. */
    private MusterException denied(LinkEvent.Denied denied) {
        return new MusterException(
                ExitCode.REJECTED, "the coordinator at " + link.target() + " refused this agent: " + denied.reason());
    }

    /**
     * Applies up to {@code targetVersion}, reporting each migration as it commits;
     * {@code pendingBefore} is what was pending just before. With {@code released}, a
     * migration that is not the next of them is refused before it runs: the run ends there,
     * and what committed before it is returned.
     */
    private List<LocalMigration> apply(
            String targetVersion, List<String> pendingBefore, Optional<List<LocalMigration>> released)
            throws InterruptedException {
        ReportingRun listener = new ReportingRun(released, withEach, this::report);
        try {
            migrations.migrateTo(targetVersion, listener);
        } catch (MigrationRefused changed) {
            log.warn("The migration files changed while waiting for release ({}); asking again", changed.getMessage());
        } catch (MigrationFailure failure) {
            // Those before the failed one committed: make sure each is reported, then the
            // failure, and that the coordinator has them all before this run ends.
            committedSince(pendingBefore, failure).stream()
                    .filter(migration -> !listener.reported(migration))
                    .forEach(this::report);
            link.report(WireMessages.failed(failure.version(), failure.getMessage()));
            try {
                deliverReports();
            } catch (MusterException undelivered) {
                failure.addSuppressed(undelivered);
            }
            throw failure;
        }
        return listener.committed();
    }

    private List<LocalMigration> committedSince(List<String> pendingBefore, MigrationFailure failure) {
        try {
            return migrations.state().applied().stream()
                    .filter(migration -> pendingBefore.contains(migration.version()))
                    .toList();
        } catch (MusterException unreadable) {
            failure.addSuppressed(unreadable);
            return List.of();
        }
    }

    private static List<String> versionsOf(List<LocalMigration> migrations) {
        return migrations.stream().map(LocalMigration::version).toList();
    }

    private void report(LocalMigration migration) {
        console.applied(migration);
        link.report(WireMessages.applied(migration));
    }

    /**
     * Waits until the coordinator has recorded this run's reports, or the report timeout
     * passes. The wait ends the moment they are recorded; the link's events meanwhile are
     * seen at most {@link #POLL} late.
     */
    private void deliverReports() throws InterruptedException {
        if (deniedBeforeMigrating != null) {
            throw denied(deniedBeforeMigrating);
        }
        CompletableFuture<Void> delivered = link.reportsDelivered();
        Deadline deadline = Deadline.after(reportTimeout);
        while (!delivered.isDone()) {
            Duration left = deadline.remaining();
            if (left.isZero()) {
                console.reportFailed(link.target(), reportTimeout);
                return;
            }
            awaitAtMost(delivered, left.compareTo(POLL) < 0 ? left : POLL);
            for (LinkEvent event = events.poll(); event != null; event = events.poll()) {
                if (event instanceof LinkEvent.Disconnected disconnected) {
                    console.linkDown(disconnected.reason(), disconnected.retryIn());
                } else if (event instanceof LinkEvent.Connected) {
                    firstRefusal = null;
                } else if (event instanceof LinkEvent.Denied denied) {
                    throw denied(denied);
                } else if (event instanceof LinkEvent.Rejected rejected && rejected.refusesSession()) {
                    refused(rejected.reason());
                }
            }
        }
    }

    private static void awaitAtMost(CompletableFuture<Void> future, Duration patience) throws InterruptedException {
        try {
            future.get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException notYet) {
            // the caller looks at the future and the link's events again
        }
    }
}
