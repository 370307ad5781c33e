package dev.muster.agent.migrate;

import java.util.List;
import java.util.Optional;

/**
 * The local database's migrations, each list in Flyway's version order.
 *
 * @param applied   committed, per Flyway's history table
 * @param available every versioned migration the migration files contain
 * @param pending   available but not applied yet, in the order they will be applied
 * @param blocker   why no migration can be applied until someone repairs the database or
 *                  the migration files, if that is so
 * @param failed    the version whose failed run left a row in the history, if any
 */
public record MigrationState(
        List<LocalMigration> applied,
        List<LocalMigration> available,
        List<LocalMigration> pending,
        Optional<String> blocker,
        Optional<String> failed) {

    public MigrationState {
        applied = List.copyOf(applied);
        available = List.copyOf(available);
        pending = List.copyOf(pending);
    }

    public MigrationState(List<LocalMigration> applied, List<LocalMigration> available, List<LocalMigration> pending) {
        this(applied, available, pending, Optional.empty(), Optional.empty());
    }

    public List<String> pendingVersions() {
        return pending.stream().map(LocalMigration::version).toList();
    }

    public Optional<String> current() {
        return applied.isEmpty()
                ? Optional.empty()
                : Optional.of(applied.get(applied.size() - 1).version());
    }
}
