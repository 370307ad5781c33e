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
import java.util.stream.Collectors;

/**
 * The global's side of {@code replication setup}: one subscription per remote region,
 * {@code region_<N>_subscription}. Every remote is checked before anything changes (reachable
 * with the configured credentials, initialised as the configured region, publishing), so a
 * refusal leaves every subscription and every row as it was.
 */
public final class SubscriptionSetup {

    /**
     * @param clearFirst for an existing subscription, the tables whose copy is to come, whose
     *                   copies on the global are first cleared of the region's rows
     */
    private record Step(
            RemoteEndpoint remote,
            Optional<GlobalCatalog.Subscription> existing,
            List<TableName> tables,
            List<TableName> clearFirst) {}

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public SubscriptionSetup(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    public List<SetupOutcome> run() {
        try (GlobalDatabase global = GlobalDatabase.changingSubscriptions(database)) {
            GlobalCatalog.Tables tables =
                    Jdbc.attempt("cannot read the tables of " + global.describe(), global.catalog()::tables);
            List<Step> steps = new ArrayList<>();
            for (SubscriptionConfig subscription : replication.subscriptions()) {
                steps.add(check(global, tables, new RemoteEndpoint(subscription)));
            }
            boolean disableOnError =
                    Jdbc.attempt("cannot read the version of " + global.describe(), global::serverVersion) >= 150000;
            List<SetupOutcome> done = new ArrayList<>();
            for (Step step : steps) {
                try {
                    done.add(apply(global, step, disableOnError));
                } catch (MusterException e) {
                    throw Outcomes.afterPartialWork(
                            e, done.stream().map(SetupOutcome::describe).toList());
                }
            }
            return done;
        }
    }

    private Step check(GlobalDatabase global, GlobalCatalog.Tables globalTables, RemoteEndpoint remote) {
        String name = remote.subscription();
        Optional<GlobalCatalog.Subscription> existing = Jdbc.attempt(
                "cannot read the subscriptions of " + global.describe(),
                () -> global.catalog().subscription(name));
        if (existing.isPresent() && existing.get().slot().isEmpty()) {
            throw new MusterException(
                    ExitCode.FAILED,
                    name + " exists on the global without a replication slot "
                            + "(slot_name = NONE) and cannot be enabled; drop it (DROP SUBSCRIPTION "
                            + Sql.identifier(name)
                            + ") and run setup again, which copies region " + remote.region()
                            + " afresh. Nothing was changed");
        }
        List<TableName> published;
        try (RemoteRegion region = RemoteRegion.connect(remote)) {
            region.requireRegion();
            published = region.publicationTables(replication.publication());
            if (existing.isEmpty()) {
                region.slot(name).ifPresent(slot -> {
                    throw leftoverSlot(remote, slot);
                });
            } else {
                String slotName = existing.get().slot().orElseThrow();
                Optional<RemoteRegion.Slot> slot = region.slot(slotName);
                if (slot.isEmpty() || slot.get().invalidated().isPresent()) {
                    throw unusableSlot(remote, slotName, slot.flatMap(RemoteRegion.Slot::invalidated));
                }
            }
        }
        List<TableName> missing = published.stream()
                .filter(table -> !globalTables.contains(table))
                .toList();
        if (!missing.isEmpty()) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "cannot subscribe to " + remote.describe() + ": it publishes " + names(missing)
                            + ", which the global lacks; migrate the global first. Nothing was changed");
        }
        List<TableName> withoutId =
                published.stream().filter(table -> !globalTables.hasId(table)).toList();
        if (existing.isEmpty() && !withoutId.isEmpty()) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "cannot subscribe to " + remote.describe() + ": the global's "
                            + names(withoutId) + " has no integer id column, so region " + remote.region()
                            + "'s rows cannot "
                            + "be told apart before the copy; exclude such tables on region " + remote.region()
                            + " (replication.exclude_tables). Nothing was changed");
        }
        if (existing.isEmpty()) {
            return new Step(remote, existing, published, List.of());
        }
        // a table without an integer id cannot be cleared of one region's rows: it is copied as it is
        return new Step(
                remote,
                existing,
                published,
                tablesToCopy(global, existing.get(), published).stream()
                        .filter(globalTables::hasId)
                        .toList());
    }

    /**
     * The tables enabling and refreshing {@code existing} will copy: those new to it, and,
     * while it is disabled, those whose copy failed.
     */
    private static List<TableName> tablesToCopy(
            GlobalDatabase global, GlobalCatalog.Subscription existing, List<TableName> published) {
        String name = existing.name();
        return Jdbc.attempt("cannot read the tables of " + name, () -> {
            List<TableName> subscribed = global.catalog().subscribedTables(name);
            List<TableName> copied = new ArrayList<>(published.stream()
                    .filter(table -> !subscribed.contains(table))
                    .toList());
            if (!existing.enabled()) {
                // no worker copies them now, so the global's copies cannot change underfoot
                copied.addAll(global.catalog().tablesNotCopied(name).stream()
                        .filter(published::contains)
                        .toList());
            }
            return copied;
        });
    }

    private SetupOutcome apply(GlobalDatabase global, Step step, boolean disableOnError) {
        RemoteEndpoint remote = step.remote();
        String name = Sql.identifier(remote.subscription());
        if (step.existing().isPresent()) {
            GlobalCatalog.Subscription existing = step.existing().get();
            // as replication.subscriptions has it now: a rotated password, a new host, the connect timeout
            Jdbc.attempt(
                    "cannot bring the connection of " + remote.subscription() + " in line with "
                            + "replication.subscriptions; nothing was changed",
                    () -> {
                        global.executeUnlogged("ALTER SUBSCRIPTION " + name + " CONNECTION "
                                + Sql.literal(remote.connectionString().reveal()));
                        return null;
                    });
            long removed = enableAndRefresh(
                    global, remote, existing.enabled(), step.clearFirst(), "run setup again once the cause is mended");
            // after: while the mark is there, nothing but setup enables the subscription
            if (existing.tornDown()) {
                Jdbc.attempt(
                        remote.subscription() + " is enabled and refreshed, but its mark of an operator's "
                                + "teardown cannot be cleared; run setup again",
                        () -> {
                            global.markTornDown(remote.subscription(), false);
                            return null;
                        });
            }
            return new SetupOutcome(
                    remote.region(),
                    remote.subscription(),
                    existing.enabled() ? SetupOutcome.Action.REFRESHED : SetupOutcome.Action.ENABLED,
                    step.tables().size(),
                    removed);
        }
        // Created disabled first: that reaches the remote and makes its slot, so whatever
        // can go wrong there (rights, wal_level, free slots) goes wrong before the global's
        // copies of the region's rows are removed. Enabling starts the copy.
        String create = "CREATE SUBSCRIPTION " + name
                + " CONNECTION " + Sql.literal(remote.connectionString().reveal())
                + " PUBLICATION " + Sql.identifier(replication.publication())
                + " WITH (enabled = false, copy_data = true" + (disableOnError ? ", disable_on_error = true" : "")
                + ")";
        Jdbc.attempt(
                "cannot create " + remote.subscription() + " to " + remote.describe() + "; nothing was changed", () -> {
                    global.executeUnlogged(create);
                    return null;
                });
        long removed;
        try {
            removed = global.deleteRange(step.tables(), remote.ids());
        } catch (SQLException e) {
            dropQuietly(global, name, e);
            throw Jdbc.failure(
                    "cannot remove region " + remote.region() + "'s rows from the global's copies before "
                            + "subscribing; " + remote.subscription() + " was dropped again and nothing was changed",
                    e);
        }
        Jdbc.attempt(
                "created " + remote.subscription() + " and removed " + removed + " rows of region "
                        + remote.region()
                        + " from the global's copies, but cannot enable it; run setup again once the cause "
                        + "is mended (it enables the subscription, which copies region " + remote.region() + "'s rows)",
                () -> {
                    global.executeAlone("ALTER SUBSCRIPTION " + name + " ENABLE");
                    return null;
                });
        return new SetupOutcome(
                remote.region(),
                remote.subscription(),
                SetupOutcome.Action.CREATED,
                step.tables().size(),
                removed);
    }

    /**
     * Enables the subscription if it is not, then refreshes it: tables new to the remote's
     * publication join it and are copied; those it has are not copied again.
     *
     * @param clearFirst tables whose copies on the global are first cleared of the region's
     *                   rows, as when the subscription is created: rows kept from before a
     *                   table was excluded would make its copy fail on duplicate ids
     * @param remedy     what the operator is to do if a step fails
     * @return how many of the region's rows were removed
     */
    static long enableAndRefresh(
            GlobalDatabase global, RemoteEndpoint remote, boolean enabled, List<TableName> clearFirst, String remedy) {
        String name = Sql.identifier(remote.subscription());
        long removed = clearFirst.isEmpty()
                ? 0
                : Jdbc.attempt(
                        "cannot remove region " + remote.region()
                                + "'s rows from the global's copies of " + names(clearFirst)
                                + " before they are copied; nothing was "
                                + "changed",
                        () -> global.deleteRange(clearFirst, remote.ids()));
        String changed = removed == 0
                ? "nothing was changed"
                : "removed " + removed + " rows of region " + remote.region() + " from the global's copies of "
                        + names(clearFirst) + ", which setup copies again";
        if (!enabled) {
            Jdbc.attempt("cannot enable " + remote.subscription() + "; " + changed + "; " + remedy, () -> {
                global.executeAlone("ALTER SUBSCRIPTION " + name + " ENABLE");
                return null;
            });
        }
        // refused while disabled, hence after ENABLE
        Jdbc.attempt(
                (enabled ? "" : "enabled " + remote.subscription() + ", but ") + "cannot refresh "
                        + remote.subscription() + " for the tables region " + remote.region() + " publishes now"
                        + (removed == 0 ? "" : " (" + changed + ")") + "; " + remedy,
                () -> {
                    global.executeAlone("ALTER SUBSCRIPTION " + name + " REFRESH PUBLICATION WITH (copy_data = true)");
                    return null;
                });
        return removed;
    }

    private static void dropQuietly(GlobalDatabase global, String name, SQLException cause) {
        try {
            global.executeAlone("DROP SUBSCRIPTION " + name);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static MusterException leftoverSlot(RemoteEndpoint remote, RemoteRegion.Slot slot) {
        String name = remote.subscription();
        String problem = remote.describe() + " already has a replication slot " + name + " although the global has "
                + "no such subscription";
        if (slot.active()) {
            return new MusterException(
                    ExitCode.FAILED,
                    problem + ", and a server is streaming from it right now "
                            + "(another global?). Nothing was changed");
        }
        return new MusterException(
                ExitCode.FAILED,
                problem + ": it is left from an earlier subscription whose "
                        + "drop did not reach region " + remote.region()
                        + ", and it retains WAL there. If no other server "
                        + "uses it, drop it on region " + remote.region() + " (SELECT pg_drop_replication_slot("
                        + Sql.literal(name) + ")) and run setup again. Nothing was changed");
    }

    /**
     * The subscription's slot is gone from the remote, or the remote invalidated it: what
     * the region changed since the global last heard from it cannot be streamed any more,
     * and enabling would only fail, again and again. The region must be copied afresh.
     */
    private static MusterException unusableSlot(RemoteEndpoint remote, String slot, Optional<String> invalidated) {
        String name = Sql.identifier(remote.subscription());
        String dropWithoutRemote = "ALTER SUBSCRIPTION " + name + " DISABLE; ALTER SUBSCRIPTION " + name
                + " SET (slot_name = NONE); DROP SUBSCRIPTION " + name;
        boolean lost = invalidated.isPresent();
        return new MusterException(
                ExitCode.FAILED,
                remote.subscription() + " exists on the global, but its "
                        + "replication slot " + slot + " on region " + remote.region()
                        + invalidated
                                .map(reason -> " was invalidated there (" + reason
                                        + (reason.equals("wal_removed")
                                                ? ": WAL it still needed was removed, see max_slot_wal_keep_size"
                                                : "")
                                        + ")")
                                .orElse(" is gone (dropped by hand, or the remote was rebuilt)")
                        + ", so region " + remote.region() + "'s changes since then cannot reach the global. Drop the "
                        + "subscription on the global (" + dropWithoutRemote + ")"
                        + (lost
                                ? " and the slot on region " + remote.region() + " (SELECT pg_drop_replication_slot("
                                        + Sql.literal(slot) + "))"
                                : "")
                        + ", then run setup again, which copies region " + remote.region()
                        + " afresh. Nothing was changed");
    }

    private static String names(List<TableName> tables) {
        return tables.stream().map(TableName::toString).collect(Collectors.joining(", "));
    }
}
