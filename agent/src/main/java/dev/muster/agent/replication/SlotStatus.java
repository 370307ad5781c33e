package dev.muster.agent.replication;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A replication slot on a remote and what it costs: the WAL it holds back
 * ({@code pg_current_wal_lsn() - restart_lsn}), and how close that is to being lost.
 *
 * @param walStatus   {@code reserved}, {@code extended}, {@code unreserved} or {@code lost} (PostgreSQL 13+)
 * @param safeWalSize bytes that can still be written before the slot is lost; empty when unlimited
 */
public record SlotStatus(String name, String type, Optional<String> database, boolean active,
                         OptionalLong retainedBytes, Optional<String> walStatus, OptionalLong safeWalSize) {
}
