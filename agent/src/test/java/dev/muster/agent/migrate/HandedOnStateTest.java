package dev.muster.agent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HandedOnStateTest {

    private static final LocalMigration V1 = new LocalMigration("1", "one", OptionalInt.of(1), Optional.empty());

    /** Each read a new state object, so that a test can tell which read it got. */
    private static final class CountingMigrations implements Migrations {

        int reads;
        int runs;

        @Override
        public MigrationState state() {
            reads++;
            return new MigrationState(List.of(), List.of(V1), List.of(V1));
        }

        @Override
        public List<LocalMigration> migrateTo(String targetVersion, RunListener listener) {
            runs++;
            return List.of(V1);
        }
    }

    private final CountingMigrations migrations = new CountingMigrations();
    private final HandedOnState handedOn = new HandedOnState(migrations);

    @Test
    void theFirstHelloAnnouncesTheRunsReadWithoutReadingAgain() {
        MigrationState read = handedOn.state();

        assertThat(handedOn.forHello()).isSameAs(read);
        assertThat(migrations.reads).isEqualTo(1);
    }

    @Test
    void laterHellosReadAfresh() {
        MigrationState read = handedOn.state();
        var unused = handedOn.forHello();

        assertThat(handedOn.forHello()).isNotSameAs(read);
        assertThat(migrations.reads).isEqualTo(2);
    }

    @Test
    void aReadFromBeforeAMigrationIsNeverHandedOn() {
        MigrationState read = handedOn.state();
        var unused = handedOn.migrateTo("1", RunListener.NONE);

        assertThat(handedOn.forHello()).isNotSameAs(read);
        assertThat(migrations.reads).isEqualTo(2);
    }

    @Test
    void aHelloBeforeAnyReadReadsItself() {
        var unused = handedOn.forHello();

        assertThat(migrations.reads).isEqualTo(1);
    }
}
