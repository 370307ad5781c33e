package dev.muster.agent.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationRefused;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ReportingRunTest {

    private static final LocalMigration FIRST = migration("1", "first", 11);
    private static final LocalMigration SECOND = migration("2", "second", 22);

    private final List<LocalMigration> reports = new ArrayList<>();

    @Test
    void reportsEachMigrationAsItCommits() {
        ReportingRun run = new ReportingRun(Optional.empty(), WithEachMigration.NOTHING, reports::add);

        run.starting(FIRST);
        run.committed(FIRST);
        assertThat(reports).containsExactly(FIRST);
        run.starting(SECOND);
        assertThat(run.reported(SECOND)).isFalse();
        run.committed(SECOND);

        assertThat(reports).containsExactly(FIRST, SECOND);
        assertThat(run.committed()).containsExactly(FIRST, SECOND);
        assertThat(run.reported(SECOND)).isTrue();
    }

    @Test
    void runsTheReleasedMigrationsInOrder() {
        ReportingRun run =
                new ReportingRun(Optional.of(List.of(FIRST, SECOND)), WithEachMigration.NOTHING, reports::add);

        run.starting(FIRST);
        run.committed(FIRST);
        run.starting(SECOND);
        run.committed(SECOND);

        assertThat(reports).containsExactly(FIRST, SECOND);
    }

    @Test
    void refusesAMigrationThatWasNotReleased() {
        ReportingRun run = new ReportingRun(Optional.of(List.of(FIRST)), WithEachMigration.NOTHING, reports::add);
        run.starting(FIRST);
        run.committed(FIRST);

        assertThatThrownBy(() -> run.starting(SECOND))
                .isInstanceOf(MigrationRefused.class)
                .hasMessageContaining("migration 2 is not the next one released, none");
        assertThat(reports).containsExactly(FIRST);
    }

    @Test
    void refusesAReleasedVersionWhoseFileChangedSince() {
        ReportingRun run = new ReportingRun(Optional.of(List.of(FIRST)), WithEachMigration.NOTHING, reports::add);

        assertThatThrownBy(() -> run.starting(migration("1", "first", 99)))
                .isInstanceOf(MigrationRefused.class)
                .hasMessageContaining("migration 1 is not the next one released, 1");
    }

    @Test
    void refusesAMigrationThatSkipsOneReleased() {
        ReportingRun run =
                new ReportingRun(Optional.of(List.of(FIRST, SECOND)), WithEachMigration.NOTHING, reports::add);

        assertThatThrownBy(() -> run.starting(SECOND))
                .isInstanceOf(MigrationRefused.class)
                .hasMessageContaining("not the next one released, 1");
    }

    @Test
    void whatCommitsWithEachMigrationRunsInsideIt() throws Exception {
        List<String> withEach = new ArrayList<>();
        ReportingRun run = new ReportingRun(
                Optional.empty(), (migration, connection) -> withEach.add(migration.version()), reports::add);

        run.starting(FIRST);
        run.applied(FIRST, null);

        assertThat(withEach).containsExactly("1");
        assertThat(reports).as("not reported before it commits").isEmpty();
    }

    private static LocalMigration migration(String version, String description, int checksum) {
        return new LocalMigration(version, description, OptionalInt.of(checksum), Optional.empty());
    }
}
