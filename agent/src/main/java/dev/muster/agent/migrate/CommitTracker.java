package dev.muster.agent.migrate;

import java.util.function.BiConsumer;

/**
 * Tells the moment a migration Flyway ran has committed, from the commits on the run's
 * connections. Flyway (without {@code group}) runs each migration in a transaction of its
 * migration connection and writes its history row in a transaction of its history
 * connection, which commits just after: a migration is committed, and seen so by anyone
 * reading Flyway's history, once its own connection has committed and then another has.
 * Flyway's next step (the next migration starting, or the run ending well) proves it too:
 * that covers a migration run outside a transaction, whose commits are not all seen here.
 *
 * <p>Used by the thread that runs Flyway, alone.
 *
 * @param <C> the connections' type
 */
final class CommitTracker<C> {

    private final BiConsumer<LocalMigration, C> committed;
    private LocalMigration executed;
    private C ranOn;
    private boolean ownCommitted;

    /** @param committed told each committed migration and the connection it ran on */
    CommitTracker(BiConsumer<LocalMigration, C> committed) {
        this.committed = committed;
    }

    /**
     * {@code migration}'s statements ran on {@code connection}; with auto-commit on they
     * committed as they ran.
     */
    void executed(LocalMigration migration, C connection, boolean autoCommit) {
        movedOn();
        executed = migration;
        ranOn = connection;
        ownCommitted = autoCommit;
    }

    /** A commit returned on {@code connection}. */
    void commitReturned(C connection) {
        if (executed == null) {
            return;
        }
        if (connection == ranOn) {
            ownCommitted = true;
        } else if (ownCommitted) {
            settle();
        }
    }

    /** Flyway went on past the last migration it ran: that one committed. */
    void movedOn() {
        settle();
    }

    /** The run failed: the migration not yet known committed did not commit, or not wholly. */
    void failed() {
        executed = null;
        ranOn = null;
    }

    private void settle() {
        if (executed != null) {
            LocalMigration migration = executed;
            C connection = ranOn;
            failed();
            committed.accept(migration, connection);
        }
    }
}
