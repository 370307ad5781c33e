package dev.muster.coordinator.fleet;

import java.time.Instant;

/**
 * The live agent session that speaks for a region.
 *
 * @param instanceId random per agent process: tells a reconnect from a second agent
 */
public record Connection(long sessionId, String instanceId, String peer, Instant since) {
}
