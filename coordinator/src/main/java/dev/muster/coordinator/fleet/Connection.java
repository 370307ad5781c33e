package dev.muster.coordinator.fleet;

import java.time.Instant;

/** The live agent session that speaks for a region. */
public record Connection(long sessionId, String peer, Instant since) {
}
