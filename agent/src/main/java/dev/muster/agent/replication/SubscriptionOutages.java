package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Why a subscription of the global is down, in words an operator can act on. PostgreSQL
 * keeps the apply worker's error in its log only, so the likely cause is read off the
 * schemas instead: columns and tables the remote publishes that the global lacks (the
 * server refuses such rows: {@code logical replication target relation "public.vms" is
 * missing replicated columns}), and which of the global's pending migrations, applied on
 * the remote already, should bring them.
 */
public final class SubscriptionOutages {

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public SubscriptionOutages(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    /** Whether a configured subscription is down: disabled, or enabled with no apply worker running. */
    public static boolean down(SubscriptionStatus subscription) {
        return subscription.configured()
                && subscription.exists()
                && (!subscription.enabled() || subscription.workerPid().isEmpty());
    }

    /**
     * Each down subscription among {@code subscriptions}, by name, and why.
     *
     * @param pendingOnGlobal the global's pending migration versions, in the order they apply
     */
    public Map<String, String> diagnose(List<SubscriptionStatus> subscriptions, List<String> pendingOnGlobal) {
        Map<String, String> outages = new LinkedHashMap<>();
        List<String> down = subscriptions.stream()
                .filter(SubscriptionOutages::down)
                .map(SubscriptionStatus::name)
                .toList();
        if (down.isEmpty()) {
            return outages;
        }
        try (GlobalDatabase global = GlobalDatabase.connect(database)) {
            for (SubscriptionConfig config : replication.subscriptions()) {
                RemoteEndpoint remote = new RemoteEndpoint(config);
                if (down.contains(remote.subscription())) {
                    outages.put(remote.subscription(), diagnose(global, remote, pendingOnGlobal));
                }
            }
        }
        return outages;
    }

    private String diagnose(GlobalDatabase global, RemoteEndpoint remote, List<String> pendingOnGlobal) {
        Optional<GlobalCatalog.Subscription> subscription = Jdbc.attempt(
                "cannot read the subscriptions of " + global.describe(),
                () -> global.catalog().subscription(remote.subscription()));
        if (subscription.map(GlobalCatalog.Subscription::tornDown).orElse(false)) {
            return "an operator tore it down ('replication teardown --mode disable'); 'replication setup' brings it back";
        }
        SchemaGap gap;
        Optional<Set<String>> appliedThere;
        try (RemoteRegion region = RemoteRegion.connect(remote)) {
            gap = SchemaGap.between(global, region, replication.publication());
            appliedThere = appliedMigrations(region.connection());
        } catch (MusterException e) {
            return e.getMessage();
        }
        if (gap.isEmpty()) {
            boolean byPerson = subscription
                    .map(found -> !found.enabled() && !found.failedToApply())
                    .orElse(false);
            return byPerson
                    ? "not by an apply error; 'replication setup' enables it"
                    : "no difference between the schemas of region " + remote.region() + " and the global explains "
                            + "it; the global's server log has the apply worker's error";
        }
        return "region " + remote.region() + " publishes " + gap.describe() + ", which the global lacks"
                + fix(remote, pendingOnGlobal, appliedThere);
    }

    private static String fix(RemoteEndpoint remote, List<String> pendingOnGlobal, Optional<Set<String>> appliedThere) {
        if (pendingOnGlobal.isEmpty()) {
            return "; the global has no pending migration that would add them";
        }
        if (appliedThere.isEmpty()) {
            return "; the global's pending migrations (" + pendingOnGlobal.get(0) + " first) should add them";
        }
        return pendingOnGlobal.stream()
                .filter(appliedThere.get()::contains)
                .findFirst()
                .map(version -> "; migration " + version + ", pending on the global and applied on region "
                        + remote.region() + ", should bring it back once the global applies it")
                .orElse("; none of the global's pending migrations has been applied on region " + remote.region());
    }

    /** The remote's applied migrations, if its migration history is readable with the subscription's login. */
    private static Optional<Set<String>> appliedMigrations(Connection connection) {
        try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL");
                ResultSet result = statement.executeQuery()) {
            Set<String> versions = new TreeSet<>();
            while (result.next()) {
                versions.add(result.getString(1));
            }
            return Optional.of(versions);
        } catch (SQLException notReadable) {
            return Optional.empty();
        }
    }
}
