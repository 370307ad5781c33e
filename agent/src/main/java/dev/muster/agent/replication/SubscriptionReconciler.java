package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The global's subscriptions brought back in step after it migrated, with replication live
 * (the seed's order: replication set up on the new release, then migrated). PostgreSQL does
 * not replicate schema changes: a remote that migrated first sends rows the global's old
 * schema cannot take, which disables the subscription ({@code disable_on_error}), and
 * tables a migration created reach the subscription only when it is refreshed. Once the
 * global has the same schema, each subscription is enabled again if an error disabled it,
 * and refreshed, so that new tables are copied (and no table twice). A subscription an
 * operator tore down is left to {@code replication setup}.
 */
public final class SubscriptionReconciler {

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public SubscriptionReconciler(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    public List<ReconcileOutcome> run() {
        List<ReconcileOutcome> outcomes = new ArrayList<>();
        try (GlobalDatabase global = GlobalDatabase.changingSubscriptions(database)) {
            for (SubscriptionConfig subscription : replication.subscriptions()) {
                RemoteEndpoint remote = new RemoteEndpoint(subscription);
                try {
                    outcomes.add(reconcile(global, remote));
                } catch (MusterException e) {
                    // the others are brought in step all the same
                    outcomes.add(new ReconcileOutcome(
                            remote.region(),
                            remote.subscription(),
                            ReconcileOutcome.Action.FAILED,
                            List.of(),
                            e.getMessage()));
                }
            }
        }
        return outcomes;
    }

    private ReconcileOutcome reconcile(GlobalDatabase global, RemoteEndpoint remote) {
        String name = remote.subscription();
        GlobalCatalog catalog = global.catalog();
        Optional<GlobalCatalog.Subscription> existing =
                Jdbc.attempt("cannot read the subscriptions of " + global.describe(), () -> catalog.subscription(name));
        if (existing.isEmpty() || existing.get().slot().isEmpty()) {
            return leftAlone(remote, "it is not set up ('replication setup' sets it up)");
        }
        if (existing.get().tornDown()) {
            return leftAlone(remote, "an operator tore it down ('replication setup' brings it back)");
        }
        if (!existing.get().enabled() && !existing.get().stoppedByError()) {
            return leftAlone(remote, "it was disabled, though not by an apply error ('replication setup' enables it)");
        }
        SchemaGap gap;
        try (RemoteRegion region = RemoteRegion.connect(remote)) {
            region.publicationTables(replication.publication()); // refuses a remote that no longer publishes
            gap = SchemaGap.between(global, region, replication.publication());
        }
        if (!gap.isEmpty()) {
            return new ReconcileOutcome(
                    remote.region(),
                    name,
                    ReconcileOutcome.Action.WAITING,
                    List.of(),
                    "region " + remote.region() + " publishes " + gap.describe() + ", which the global does not "
                            + "have yet");
        }
        List<TableName> before =
                Jdbc.attempt("cannot read the tables of " + name, () -> catalog.subscribedTables(name));
        boolean enabled = existing.get().enabled();
        // Clearing the global's copies of a region's rows is left to setup, an operator's act.
        SubscriptionSetup.enableAndRefresh(
                global,
                remote,
                enabled,
                List.of(),
                "run 'muster-agent replication setup' " + "once the cause is mended");
        List<TableName> added =
                Jdbc.attempt("cannot read the tables of " + name, () -> catalog.subscribedTables(name)).stream()
                        .filter(table -> !before.contains(table))
                        .toList();
        return new ReconcileOutcome(
                remote.region(),
                name,
                enabled ? ReconcileOutcome.Action.REFRESHED : ReconcileOutcome.Action.ENABLED,
                added,
                "");
    }

    private static ReconcileOutcome leftAlone(RemoteEndpoint remote, String reason) {
        return new ReconcileOutcome(
                remote.region(), remote.subscription(), ReconcileOutcome.Action.LEFT_ALONE, List.of(), reason);
    }
}
