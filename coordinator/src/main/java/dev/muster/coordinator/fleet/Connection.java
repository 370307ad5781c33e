package dev.muster.coordinator.fleet;

import java.time.Instant;

/**
 * A live agent session that speaks for a region.
 *
 * @param instanceId random per agent process: tells a reconnect from another agent
 * @param databaseId the database the agent manages ("" if unknown): tells a second agent of
 *                   the same database (the daemon and a command run by hand) from a
 *                   misconfigured agent of another database
 */
public record Connection(long sessionId, String instanceId, String databaseId, String peer, Instant since) {

    boolean isSameInstance(String otherInstanceId) {
        return !instanceId.isEmpty() && instanceId.equals(otherInstanceId);
    }

    boolean isSameDatabase(String otherDatabaseId) {
        return !databaseId.isEmpty() && databaseId.equals(otherDatabaseId);
    }
}
