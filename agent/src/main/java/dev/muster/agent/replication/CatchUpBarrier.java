package dev.muster.agent.replication;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.config.DatabaseConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Waits until the global has caught up with each remote: the remote's WAL position is
 * taken when the barrier begins, and the subscription's slot must confirm it
 * ({@code confirmed_flush_lsn}) with every table of the subscription copied. Everything a
 * remote committed before the barrier is then on the global, so {@code replication verify}
 * passes right after, unless something writes on.
 */
public final class CatchUpBarrier {

    private static final Duration POLL = Duration.ofMillis(100);

    private final DatabaseConfig database;
    private final ReplicationConfig replication;

    public CatchUpBarrier(DatabaseConfig database, ReplicationConfig replication) {
        this.database = database;
        this.replication = replication;
    }

    /** Waits for the subscriptions named in {@code subscriptions}, all of them together at most {@code patience}. */
    public List<CatchUp> await(Set<String> subscriptions, Duration patience) throws InterruptedException {
        List<RemoteEndpoint> remotes = new ArrayList<>();
        for (SubscriptionConfig subscription : replication.subscriptions()) {
            RemoteEndpoint remote = new RemoteEndpoint(subscription);
            if (subscriptions.contains(remote.subscription())) {
                remotes.add(remote);
            }
        }
        List<String> targets = new ArrayList<>();
        for (RemoteEndpoint remote : remotes) {
            try (RemoteRegion region = RemoteRegion.connect(remote)) {
                targets.add(Jdbc.attempt(
                        "cannot read where the WAL of " + remote.describe() + " ends", region::currentWalLsn));
            }
        }
        List<CatchUp> outcomes = new ArrayList<>();
        long started = System.nanoTime();
        try (GlobalDatabase global = GlobalDatabase.connect(database)) {
            for (int i = 0; i < remotes.size(); i++) {
                outcomes.add(await(global, remotes.get(i), targets.get(i), started, patience));
            }
        }
        return outcomes;
    }

    private static CatchUp await(
            GlobalDatabase global, RemoteEndpoint remote, String target, long started, Duration patience)
            throws InterruptedException {
        String name = remote.subscription();
        GlobalCatalog catalog = global.catalog();
        try (RemoteRegion region = RemoteRegion.connect(remote)) {
            while (true) {
                long notReady = Jdbc.attempt("cannot read the tables of " + name, () -> catalog.tablesNotReady(name));
                Optional<Boolean> confirmed = Jdbc.attempt(
                        "cannot read slot " + name + " of " + remote.describe(), () -> region.confirmed(name, target));
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                boolean enabled = Jdbc.attempt(
                                "cannot read the subscriptions of " + global.describe(),
                                () -> catalog.subscription(name))
                        .map(GlobalCatalog.Subscription::enabled)
                        .orElse(false);
                if (!enabled) {
                    return new CatchUp(
                            remote.region(),
                            name,
                            target,
                            took,
                            Optional.of("it is disabled (an apply "
                                    + "error stops it): 'muster-agent replication status' says why"));
                }
                if (confirmed.isEmpty()) {
                    return new CatchUp(
                            remote.region(),
                            name,
                            target,
                            took,
                            Optional.of(remote.describe() + " has no slot " + name));
                }
                if (notReady == 0 && confirmed.get()) {
                    return new CatchUp(remote.region(), name, target, took, Optional.empty());
                }
                if (took.compareTo(patience) > 0) {
                    Optional<Integer> worker =
                            Jdbc.attempt("cannot read the workers of " + name, () -> catalog.workerPid(name));
                    return new CatchUp(
                            remote.region(),
                            name,
                            target,
                            took,
                            Optional.of((notReady > 0 ? notReady + " of its tables are still being copied; " : "")
                                    + (confirmed.get() ? "" : "it has not confirmed " + target + " yet; ")
                                    + (worker.isPresent()
                                            ? "its apply worker runs (pid " + worker.get() + ")"
                                            : "no apply worker runs: see 'muster-agent replication status' and the "
                                                    + "global's server log")));
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }
}
