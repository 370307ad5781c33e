package dev.muster.agent.replication;

import dev.muster.common.cli.TextTable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One subscription on the global as the server reports it.
 *
 * @param configured     whether {@code replication.subscriptions} names its region
 * @param workerPid      the apply worker's pid; empty when none runs (disabled, or restarting after an error)
 * @param applyErrors    {@code pg_stat_subscription_stats.apply_error_count} (PostgreSQL 15+)
 * @param tablesNotReady tables still being copied or waiting to be ({@code pg_subscription_rel} state other than ready)
 */
public record SubscriptionStatus(
        String name,
        OptionalInt region,
        boolean configured,
        boolean exists,
        boolean enabled,
        OptionalInt workerPid,
        Optional<String> receivedLsn,
        Optional<String> latestEndLsn,
        Optional<Instant> lastMessage,
        OptionalLong applyErrors,
        long tablesNotReady) {

    static SubscriptionStatus absent(int region) {
        return new SubscriptionStatus(
                SubscriptionName.of(region),
                OptionalInt.of(region),
                true,
                false,
                false,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                0);
    }

    public String state() {
        String state = !exists ? "absent" : enabled ? "enabled" : "disabled";
        return configured ? state : state + " (not configured)";
    }

    public static String table(List<SubscriptionStatus> subscriptions) {
        if (subscriptions.isEmpty()) {
            return "no subscriptions: none configured (replication.subscriptions) and none on the database";
        }
        TextTable table = new TextTable(
                "SUBSCRIPTION",
                "STATE",
                "WORKER",
                "RECEIVED LSN",
                "LATEST END LSN",
                "LAST MESSAGE",
                "APPLY ERRORS",
                "TABLES NOT READY");
        for (SubscriptionStatus status : subscriptions) {
            table.add(
                    status.name(),
                    status.state(),
                    status.workerPid().isPresent() ? "pid " + status.workerPid().getAsInt() : "not running",
                    status.receivedLsn().orElse("-"),
                    status.latestEndLsn().orElse("-"),
                    status.lastMessage()
                            .map(time -> time.truncatedTo(ChronoUnit.SECONDS).toString())
                            .orElse("-"),
                    status.applyErrors().isPresent()
                            ? Long.toString(status.applyErrors().getAsLong())
                            : "-",
                    status.exists() ? Long.toString(status.tablesNotReady()) : "-");
        }
        return table.render();
    }
}
