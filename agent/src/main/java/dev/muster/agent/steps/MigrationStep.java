package dev.muster.agent.steps;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.gate.GateLink;
import dev.muster.agent.gate.GatedMigrator;
import dev.muster.agent.gate.MigrationConsole;
import dev.muster.agent.gate.WithEachMigration;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.Migrations;
import dev.muster.agent.region.RegionIds;
import dev.muster.agent.replication.CatchUp;
import dev.muster.agent.replication.CatchUpBarrier;
import dev.muster.agent.replication.PublicationChange;
import dev.muster.agent.replication.ReconcileOutcome;
import dev.muster.agent.replication.RemotePublication;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionReconciler;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Collectors;

/**
 * Migrating a region, whoever asks: {@code muster-agent migrate} on a link of its own, or the
 * daemon on its session. The gate applies the migrations as the fleet allows; around it, a
 * remote that subscribes is refused (it would be a global configured as a remote), new tables
 * join a remote's publication, sequences move into the region's id range, and a global with
 * replication live brings its subscriptions back in step and waits until it has caught up.
 */
public final class MigrationStep {

    private final AgentConfig agent;
    private final Optional<String> target;
    private final Duration reportTimeout;
    private final Duration catchUpTimeout;

    /**
     * @param target        the last version to apply; empty for every pending migration
     * @param reportTimeout how long to keep trying to deliver the reports once the migrations are applied
     * @param catchUpTimeout how long a global with replication live waits for its subscriptions to catch up
     */
    public MigrationStep(AgentConfig agent, Optional<String> target, Duration reportTimeout, Duration catchUpTimeout) {
        this.agent = agent;
        this.target = target;
        this.reportTimeout = reportTimeout;
        this.catchUpTimeout = catchUpTimeout;
    }

    /**
     * Runs the step on {@code link}, whose events arrive in {@code events}; what it does is
     * told on {@code out}. Returns the migrations it applied.
     */
    public List<LocalMigration> run(GateLink link, BlockingQueue<LinkEvent> events, PrintWriter out)
            throws InterruptedException {
        return run(new FlywayMigrations(agent.database(), agent.migrationLocations()), link, events, out);
    }

    /** As {@link #run(GateLink, BlockingQueue, PrintWriter)}, on the region's migrations as {@code migrations} has them. */
    public List<LocalMigration> run(
            Migrations migrations, GateLink link, BlockingQueue<LinkEvent> events, PrintWriter out)
            throws InterruptedException {
        if (agent.role() == RegionRole.REMOTE) {
            refuseIfSubscriber();
        }
        List<LocalMigration> applied = new GatedMigrator(
                        agent.role(),
                        migrations,
                        link,
                        events,
                        new MigrationConsole(out),
                        reportTimeout,
                        target,
                        publishingWithEachMigration(out))
                .run();
        // Normally the event trigger has moved them already, as the migrations created them.
        List<String> moved = new RegionIds(agent.database()).alignSequences();
        if (!moved.isEmpty()) {
            out.println("Moved into the region's id range: " + moved);
        }
        if (agent.role() == RegionRole.REMOTE && applied.isEmpty()) {
            publishNewTables(out);
        }
        if (agent.role() == RegionRole.GLOBAL
                && !agent.replication().subscriptions().isEmpty()) {
            bringSubscriptionsInStep(migrations.state().pending().isEmpty(), out);
        }
        return applied;
    }

    /**
     * On a remote that publishes, the tables each migration creates join the publication in
     * the migration's own transaction: published the moment it commits and is reported, so
     * the global, released by that report, finds them there. A table that cannot be published
     * (it has no replica identity) fails the migration, which rolls back whole.
     */
    private WithEachMigration publishingWithEachMigration(PrintWriter out) {
        if (agent.role() != RegionRole.REMOTE) {
            return (migration, connection) -> {};
        }
        RemotePublication publication = new RemotePublication(agent.database(), agent.replication());
        if (!publication.plan().exists()) {
            return (migration, connection) -> {};
        }
        return (migration, connection) -> {
            PublicationChange change = publication.ensureWithin(connection);
            if (change.changed()) {
                out.println(change.describe());
            }
        };
    }

    /** Tables the migrations added join the publication, if this region publishes. */
    private void publishNewTables(PrintWriter out) {
        RemotePublication publication = new RemotePublication(agent.database(), agent.replication());
        if (publication.plan().exists()) {
            out.println(publication.ensure().describe());
        }
    }

    /**
     * With replication live while the fleet migrates, the global's subscriptions are brought
     * back in step with its new schema; once it has applied its last migration, it waits
     * until it has caught up with every remote.
     */
    private void bringSubscriptionsInStep(boolean upToDate, PrintWriter out) throws InterruptedException {
        List<ReconcileOutcome> outcomes;
        try {
            outcomes = new SubscriptionReconciler(agent.database(), agent.replication()).run();
        } catch (MusterException e) {
            // the subscriptions could not even be looked at (their lock, the global's database)
            throw new MusterException(
                    e.exitCode(),
                    "the migrations are applied and reported, but the subscriptions were not brought in step: "
                            + e.getMessage() + "; 'muster-agent replication setup' does it",
                    e);
        }
        outcomes.forEach(outcome -> out.println(outcome.describe()));
        Set<String> live = outcomes.stream()
                .filter(ReconcileOutcome::live)
                .map(ReconcileOutcome::subscription)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> failed = outcomes.stream()
                .filter(outcome -> outcome.action() == ReconcileOutcome.Action.FAILED)
                .map(ReconcileOutcome::subscription)
                .toList();
        List<String> behind = List.of();
        if (upToDate && !live.isEmpty()) {
            List<CatchUp> caughtUp =
                    new CatchUpBarrier(agent.database(), agent.replication()).await(live, catchUpTimeout);
            caughtUp.forEach(catchUp -> out.println(catchUp.describe()));
            behind = caughtUp.stream()
                    .filter(catchUp -> !catchUp.caughtUp())
                    .map(CatchUp::subscription)
                    .toList();
        }
        List<String> problems = new ArrayList<>();
        if (!failed.isEmpty()) {
            problems.add(failed + " could not be brought in step (see above; 'muster-agent replication setup' "
                    + "does it once the cause is mended)");
        }
        if (!behind.isEmpty()) {
            problems.add(behind + " did not catch up within " + catchUpTimeout.toSeconds() + " s (see "
                    + "'muster-agent replication status')");
        }
        if (!problems.isEmpty()) {
            throw new MusterException(
                    ExitCode.FAILED, "the migrations are applied and reported, but " + String.join("; and ", problems));
        }
    }

    /**
     * A remote migrates without asking; a global that is configured as a remote by mistake
     * would too, before its remotes. A database that subscribes is a global's: refuse.
     */
    private void refuseIfSubscriber() {
        List<String> subscriptions = new ReplicationStatus(agent.database(), agent.replication())
                .subscriptions().stream()
                        .filter(SubscriptionStatus::exists)
                        .map(SubscriptionStatus::name)
                        .toList();
        if (!subscriptions.isEmpty()) {
            throw new MusterException(
                    ExitCode.CONFIG,
                    "this database subscribes to other regions " + subscriptions
                            + ", so it is the global, but " + agent.file()
                            + " says role: remote, and a remote migrates "
                            + "without waiting for the others. Nothing was migrated; set role: global");
        }
    }
}
