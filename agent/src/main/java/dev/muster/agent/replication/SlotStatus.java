package dev.muster.agent.replication;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A replication slot on a remote and what it costs: the WAL it holds back
 * ({@code pg_current_wal_lsn() - restart_lsn}), how close that is to being lost, and how
 * far its subscriber is behind.
 *
 * @param walStatus   {@code reserved}, {@code extended}, {@code unreserved} or {@code lost} (PostgreSQL 13+)
 * @param safeWalSize bytes that can still be written before the slot is lost; empty when unlimited
 * @param lagBytes    WAL written that the subscriber has not confirmed ({@code pg_current_wal_lsn() -
 *                    confirmed_flush_lsn}); empty for a physical slot
 * @param lag         the walsender's {@code replay_lag}, zero once it has caught up (PostgreSQL then
 *                    shows no lag at all); empty while nobody streams from the slot, and
 *                    when the agent's role may not see it (neither superuser nor {@code pg_read_all_stats})
 */
public record SlotStatus(
        String name,
        String type,
        Optional<String> database,
        boolean active,
        OptionalLong retainedBytes,
        Optional<String> walStatus,
        OptionalLong safeWalSize,
        OptionalLong lagBytes,
        Optional<Duration> lag) {}
