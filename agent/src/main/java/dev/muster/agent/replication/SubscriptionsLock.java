package dev.muster.agent.replication;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.time.Deadline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The global's lock on its subscriptions, a session advisory lock: setup, teardown and the
 * reconciling of a global that migrated each hold it while they read and change
 * subscriptions, so that none acts on what it read before another changed it (a reconcile
 * that read a subscription just before an operator tore it down would enable it again). It
 * is held until the session's connection closes.
 */
final class SubscriptionsLock {

    /** "muster" and 2. */
    static final long KEY = 0x6d75737465720002L;

    /** Setup waits on the remotes' slot creation, which waits on their open transactions: minutes at worst. */
    static final Duration PATIENCE = Duration.ofMinutes(5);

    /** Polling rather than blocking in the server, so that a stop signal still ends the wait. */
    private static final Duration POLL = Duration.ofMillis(200);

    private SubscriptionsLock() {}

    /**
     * Takes the lock for {@code connection}'s session, waiting while another session holds it.
     *
     * @param database what the connection is to, for messages
     * @throws MusterException if another holds the lock longer than {@code patience}
     */
    static void acquire(Connection connection, String database, Duration patience) {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, KEY);
            boolean locked = Deadline.after(patience)
                    .await(
                            () -> {
                                try (ResultSet result = lock.executeQuery()) {
                                    result.next();
                                    return result.getBoolean(1);
                                }
                            },
                            POLL);
            if (!locked) {
                throw new MusterException(
                        ExitCode.UNAVAILABLE,
                        "another muster-agent (replication setup or "
                                + "teardown, or the global's migrate) has been changing the subscriptions of "
                                + database
                                + " for over " + patience.toSeconds() + " s"
                                + holder(connection)
                                        .map(pid -> " (server process " + pid + ")")
                                        .orElse("") + ", so these were left as they were");
            }
        } catch (SQLException e) {
            throw new MusterException(
                    ExitCode.UNAVAILABLE, "cannot lock the subscriptions of " + database + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MusterException(
                    ExitCode.FAILED,
                    "interrupted while waiting to change the subscriptions of " + database
                            + ", which were left as they were",
                    e);
        }
    }

    /** The server process of the session that holds the lock, if the server tells. */
    private static Optional<Integer> holder(Connection connection) {
        // a bigint key is split into classid (high half) and objid (low half), objsubid 1
        try (PreparedStatement statement = connection.prepareStatement("SELECT pid FROM pg_locks "
                + "WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "AND ((classid::bigint << 32) | objid::bigint) = ? LIMIT 1")) {
            statement.setLong(1, KEY);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(result.getInt(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
