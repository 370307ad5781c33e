package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.db.DatabaseIdentity;
import dev.muster.agent.gate.GatedMigrator;
import dev.muster.agent.gate.MigrationConsole;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.LocalHello;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.region.RegionIds;
import dev.muster.agent.replication.CatchUp;
import dev.muster.agent.replication.CatchUpBarrier;
import dev.muster.agent.replication.ReconcileOutcome;
import dev.muster.agent.replication.RemotePublication;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.SubscriptionReconciler;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.common.BuildInfo;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.cli.DurationConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code muster-agent migrate}: applies this region's pending migrations as the fleet allows. */
@Command(
        name = "migrate",
        description = {
            "Apply this region's pending migrations. A remote region migrates at once and reports each",
            "migration to the coordinator; the global region waits for the coordinator's release.",
            "With --to, only those up to and including that version."
        })
final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--report-timeout",
            paramLabel = "DURATION",
            defaultValue = "2m",
            converter = DurationConverter.class,
            description =
                    "How long to keep trying to report applied migrations to the coordinator (default: ${DEFAULT-VALUE})")
    Duration reportTimeout;

    @Option(
            names = "--catch-up-timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = {
                "On the global with replication live: how long to wait, after its last migration, for",
                "every subscription to confirm its remote's WAL (default: ${DEFAULT-VALUE})"
            })
    Duration catchUpTimeout;

    @Option(
            names = "--to",
            paramLabel = "VERSION",
            converter = VersionConverter.class,
            description = {
                "Apply pending migrations only up to and including VERSION, e.g. 20200424183342",
                "(default: all of them). The global asks for release of those alone."
            })
    String target;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig agent = config.load();
        if (agent.role() == RegionRole.REMOTE) {
            refuseIfSubscriber(agent);
        }
        FlywayMigrations migrations = new FlywayMigrations(agent.database(), agent.migrationLocations());
        BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        LocalHello hello = new LocalHello(
                agent.region(),
                agent.role().wire(),
                BuildInfo.version(),
                migrations::state,
                new DatabaseIdentity(agent.database()));
        PrintWriter out = spec.commandLine().getOut();
        GatedMigrator.Committed committed =
                agent.role() == RegionRole.REMOTE ? applied -> publishNewTables(agent, out) : applied -> {};
        List<LocalMigration> applied;
        try (CoordinatorLink link = CoordinatorLink.to(
                agent.coordinator().address(), agent.coordinator().tls(), hello, events::add)) {
            MigrationConsole console = new MigrationConsole(out);
            applied = new GatedMigrator(
                            agent.role(),
                            migrations,
                            link,
                            events,
                            console,
                            reportTimeout,
                            Optional.ofNullable(target),
                            committed)
                    .run();
        }
        // Normally the event trigger has moved them already, as the migrations created them.
        List<String> moved = new RegionIds(agent.database()).alignSequences();
        if (!moved.isEmpty()) {
            out.println("Moved into the region's id range: " + moved);
        }
        if (agent.role() == RegionRole.REMOTE && applied.isEmpty()) {
            publishNewTables(agent, out);
        }
        if (agent.role() == RegionRole.GLOBAL
                && !agent.replication().subscriptions().isEmpty()) {
            bringSubscriptionsInStep(agent, migrations.state().pending().isEmpty(), out);
        }
        return 0;
    }

    /** Tables the migrations added join the publication, if this region publishes. */
    private static void publishNewTables(AgentConfig agent, PrintWriter out) {
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
    private void bringSubscriptionsInStep(AgentConfig agent, boolean upToDate, PrintWriter out)
            throws InterruptedException {
        List<ReconcileOutcome> outcomes;
        try {
            outcomes = new SubscriptionReconciler(agent.database(), agent.replication()).run();
        } catch (MusterException e) {
            // the subscriptions could not even be looked at (their lock, the global's database)
            throw new MusterException(
                    e.exitCode(),
                    "the migrations are applied and reported, but the subscriptions " + "were not brought in step: "
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
    private static void refuseIfSubscriber(AgentConfig agent) {
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

    /** A Flyway version as its migration files name it ({@code 1_2} is {@code 1.2}); not Flyway's "latest" or "current". */
    static final class VersionConverter implements ITypeConverter<String> {

        private static final Pattern VERSION = Pattern.compile("[0-9]+([._][0-9]+)*");

        @Override
        public String convert(String value) {
            if (!VERSION.matcher(value).matches()) {
                throw new TypeConversionException(
                        "'" + value + "' is not a migration version: use digits and dots, " + "e.g. 20200424183342");
            }
            return value.replace('_', '.');
        }
    }
}
