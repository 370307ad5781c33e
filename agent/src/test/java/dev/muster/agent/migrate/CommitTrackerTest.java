package dev.muster.agent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CommitTrackerTest {

    private static final Object MIGRATION_CONNECTION = new Object();
    private static final Object HISTORY_CONNECTION = new Object();

    private final List<String> committed = new ArrayList<>();
    private final CommitTracker<Object> tracker =
            new CommitTracker<>((migration, connection) -> committed.add(migration.version()));

    private static LocalMigration migration(String version) {
        return new LocalMigration(version, "m" + version, OptionalInt.of(1), Optional.empty());
    }

    @Test
    void aMigrationIsCommittedOnceItsOwnConnectionAndThenItsHistoryRowsHaveCommitted() {
        tracker.executed(migration("1"), MIGRATION_CONNECTION, false);
        assertThat(committed).isEmpty();

        tracker.commitReturned(MIGRATION_CONNECTION);
        assertThat(committed).as("its history row is not committed yet").isEmpty();

        tracker.commitReturned(HISTORY_CONNECTION);
        assertThat(committed).containsExactly("1");

        tracker.movedOn();
        tracker.commitReturned(HISTORY_CONNECTION);
        assertThat(committed).as("told once").containsExactly("1");
    }

    @Test
    void aCommitOfTheHistoryConnectionBeforeTheMigrationsOwnProvesNothing() {
        tracker.executed(migration("1"), MIGRATION_CONNECTION, false);

        tracker.commitReturned(HISTORY_CONNECTION);

        assertThat(committed).isEmpty();
    }

    @Test
    void aMigrationRunWithAutoCommitIsCommittedWithItsHistoryRow() {
        tracker.executed(migration("1"), MIGRATION_CONNECTION, true);

        tracker.commitReturned(HISTORY_CONNECTION);

        assertThat(committed).containsExactly("1");
    }

    @Test
    void flywayGoingOnProvesTheLastMigrationCommittedWhenNoCommitShowedIt() {
        tracker.executed(migration("1"), MIGRATION_CONNECTION, true);
        tracker.movedOn();
        tracker.executed(migration("2"), MIGRATION_CONNECTION, false);
        tracker.commitReturned(MIGRATION_CONNECTION);
        tracker.movedOn();

        assertThat(committed).containsExactly("1", "2");
    }

    @Test
    void aFailedRunTellsNothingOfTheMigrationNotYetKnownCommitted() {
        tracker.executed(migration("1"), MIGRATION_CONNECTION, false);
        tracker.commitReturned(MIGRATION_CONNECTION);

        tracker.failed();
        tracker.movedOn();
        tracker.commitReturned(HISTORY_CONNECTION);

        assertThat(committed).isEmpty();
    }
}
