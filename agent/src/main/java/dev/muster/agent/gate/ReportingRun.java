package dev.muster.agent.gate;

import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationRefused;
import dev.muster.agent.migrate.RunListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One Flyway run as the gate hears it: each migration is reported the moment it commits;
 * with the migrations the coordinator released, any other is refused before it runs, so
 * that the global never applies what the fleet has not released, even if the files changed
 * while it waited.
 */
final class ReportingRun implements RunListener {

    private final Optional<List<LocalMigration>> released;
    private final WithEachMigration withEach;
    private final Consumer<LocalMigration> report;
    private final List<LocalMigration> committed = new ArrayList<>();
    private int started;

    /** @param released the migrations this run may apply, in order; empty if it may apply any */
    ReportingRun(Optional<List<LocalMigration>> released, WithEachMigration withEach, Consumer<LocalMigration> report) {
        this.released = released;
        this.withEach = withEach;
        this.report = report;
    }

    @Override
    public void starting(LocalMigration migration) {
        if (released.isPresent()) {
            List<LocalMigration> expected = released.get();
            if (started >= expected.size() || !sameMigration(expected.get(started), migration)) {
                throw new MigrationRefused("migration " + migration.version() + " is not the next one released, "
                        + (started < expected.size() ? expected.get(started).version() : "none")
                        + ", as the files were when release was asked");
            }
        }
        started++;
    }

    @Override
    public void applied(LocalMigration migration, Connection connection) throws SQLException {
        withEach.apply(migration, connection);
    }

    @Override
    public void committed(LocalMigration migration) {
        committed.add(migration);
        report.accept(migration);
    }

    /** The migrations that committed in this run, in order; each was reported. */
    List<LocalMigration> committed() {
        return List.copyOf(committed);
    }

    boolean reported(LocalMigration migration) {
        return committed.stream().anyMatch(done -> done.version().equals(migration.version()));
    }

    private static boolean sameMigration(LocalMigration released, LocalMigration running) {
        return released.version().equals(running.version())
                && released.description().equals(running.description())
                && released.checksum().equals(running.checksum());
    }
}
