package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The global's side of {@code replication teardown}, before the remotes migrate. Dropping
 * needs every remote whose slot must go to be reachable, and is refused before anything
 * changes when one is not; disabling needs no remote at all.
 */
public final class SubscriptionTeardown {

    private record Step(RemoteEndpoint remote, Optional<GlobalCatalog.Subscription> existing) {}

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public SubscriptionTeardown(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    public List<TeardownOutcome> run(TeardownMode mode) {
        try (GlobalDatabase global = GlobalDatabase.changingSubscriptions(database)) {
            List<Step> steps = new ArrayList<>();
            for (SubscriptionConfig subscription : replication.subscriptions()) {
                RemoteEndpoint remote = new RemoteEndpoint(subscription);
                steps.add(new Step(
                        remote,
                        Jdbc.attempt(
                                "cannot read the subscriptions of " + global.describe(),
                                () -> global.catalog().subscription(remote.subscription()))));
            }
            if (mode == TeardownMode.DROP) {
                steps.stream()
                        .filter(step -> step.existing()
                                .flatMap(GlobalCatalog.Subscription::slot)
                                .isPresent())
                        .forEach(step -> requireReachable(step.remote()));
            }
            List<TeardownOutcome> done = new ArrayList<>();
            for (Step step : steps) {
                try {
                    done.add(mode == TeardownMode.DROP ? drop(global, step) : disable(global, step));
                } catch (MusterException e) {
                    throw Outcomes.afterPartialWork(
                            e, done.stream().map(TeardownOutcome::describe).toList());
                }
            }
            return done;
        }
    }

    private TeardownOutcome drop(GlobalDatabase global, Step step) {
        RemoteEndpoint remote = step.remote();
        if (step.existing().isEmpty()) {
            return new TeardownOutcome(remote.region(), remote.subscription(), TeardownOutcome.Action.ABSENT);
        }
        try {
            global.executeAlone("DROP SUBSCRIPTION " + Sql.identifier(remote.subscription()));
        } catch (SQLException e) {
            // DROP SUBSCRIPTION is all or nothing: the subscription is still there
            throw new MusterException(
                    ExitCode.FAILED,
                    "cannot drop " + remote.subscription() + ": " + e.getMessage() + ". Nothing was changed for region "
                            + remote.region() + ". " + options(remote),
                    e);
        }
        return new TeardownOutcome(remote.region(), remote.subscription(), TeardownOutcome.Action.DROPPED);
    }

    private TeardownOutcome disable(GlobalDatabase global, Step step) {
        RemoteEndpoint remote = step.remote();
        if (step.existing().isEmpty()) {
            return new TeardownOutcome(remote.region(), remote.subscription(), TeardownOutcome.Action.ABSENT);
        }
        // Marked first: a global that migrates meanwhile leaves a marked subscription alone.
        Jdbc.attempt("cannot mark " + remote.subscription() + " as torn down; nothing was changed", () -> {
            global.markTornDown(remote.subscription(), true);
            return null;
        });
        if (!step.existing().get().enabled()) {
            return new TeardownOutcome(remote.region(), remote.subscription(), TeardownOutcome.Action.ALREADY_DISABLED);
        }
        Jdbc.attempt("cannot disable " + remote.subscription(), () -> {
            global.executeAlone("ALTER SUBSCRIPTION " + Sql.identifier(remote.subscription()) + " DISABLE");
            return null;
        });
        return new TeardownOutcome(remote.region(), remote.subscription(), TeardownOutcome.Action.DISABLED);
    }

    /** DROP SUBSCRIPTION connects to the remote to drop the slot; find out first, while nothing has changed. */
    private static void requireReachable(RemoteEndpoint remote) {
        try {
            RemoteRegion.connect(remote).close();
        } catch (MusterException e) {
            if (e.exitCode() != ExitCode.UNAVAILABLE) {
                throw e;
            }
            throw new MusterException(
                    ExitCode.UNAVAILABLE,
                    "cannot drop " + remote.subscription() + ", because "
                            + "dropping it drops its replication slot on region " + remote.region() + ", and "
                            + e.getMessage()
                            + ". Nothing was changed. " + options(remote),
                    e);
        }
    }

    private static String options(RemoteEndpoint remote) {
        String subscription = Sql.identifier(remote.subscription());
        int region = remote.region();
        return "Either bring region " + region + " back and run teardown again; or run 'replication teardown "
                + "--mode disable', which needs no connection (the slot on region " + region + " then retains WAL "
                + "until setup); or give the slot up: on the global run ALTER SUBSCRIPTION " + subscription
                + " DISABLE; ALTER SUBSCRIPTION " + subscription + " SET (slot_name = NONE); DROP SUBSCRIPTION "
                + subscription + "; and, once region " + region + " is back, run SELECT pg_drop_replication_slot("
                + Sql.literal(remote.subscription()) + ") there before the next setup";
    }
}
