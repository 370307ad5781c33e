package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.config.DatabaseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code replication verify} on the global: for each remote region and each table it
 * publishes, the remote's rows and the global's copies of that region's id range, compared
 * by count and digest. Compare when replication has caught up (remotes idle, as during an
 * upgrade): rows still in flight show as mismatches. A remote's rows outside its own id
 * range are a mismatch too: on the global they pass for another region's, or collide.
 */
public final class ReplicationVerifier {

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public ReplicationVerifier(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    public VerifyReport run() {
        List<TableComparison> comparisons = new ArrayList<>();
        try (GlobalDatabase global = GlobalDatabase.connect(database)) {
            GlobalCatalog.Tables globalTables = Jdbc.attempt("cannot read the tables of " + global.describe(), () -> {
                RowDigest.prepareSession(global.connection());
                return global.catalog().tables();
            });
            for (SubscriptionConfig subscription : replication.subscriptions()) {
                RemoteEndpoint remote = new RemoteEndpoint(subscription);
                try (RemoteRegion region = RemoteRegion.connect(remote)) {
                    region.requireRegion();
                    List<TableName> published = region.publicationTables(replication.publication());
                    Jdbc.attempt("cannot prepare " + remote.describe() + " for digests", () -> {
                        region.prepareDigests();
                        return null;
                    });
                    for (TableName table : published) {
                        if (!region.hasId(table)) {
                            comparisons.add(TableComparison.withoutId(remote.region(), table));
                            continue;
                        }
                        RowDigest.RegionRows remoteRows = Jdbc.attempt(
                                "cannot read " + table + " of " + remote.describe(), () -> region.digest(table));
                        Optional<RowDigest> globalRows = globalTables.contains(table)
                                ? Optional.of(Jdbc.attempt(
                                        "cannot read " + table + " of " + global.describe(),
                                        () -> global.digest(table, remote.ids())))
                                : Optional.empty();
                        comparisons.add(new TableComparison(
                                remote.region(), table, remoteRows.inRange(), remoteRows.outsideRange(), globalRows));
                    }
                }
            }
        }
        return new VerifyReport(comparisons);
    }
}
