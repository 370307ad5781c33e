package dev.muster.agent.gate;

import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationFailure;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.agent.migrate.Migrations;
import dev.muster.agent.migrate.RunListener;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A region's migrations in memory, in version order. Records the target of every run,
 * can be told to fail one version, as Flyway would (those before it stay applied), and
 * can be given a new migration file while a run waits.
 */
final class FakeMigrations implements Migrations {

    static final Instant INSTALLED_ON = Instant.parse("2024-05-01T12:00:00Z");

    private final List<String> available;
    private final List<String> applied = new ArrayList<>();
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private volatile String failing;
    private final Set<String> edited = ConcurrentHashMap.newKeySet();
    private final Map<String, Runnable> beforeRunning = new ConcurrentHashMap<>();

    private FakeMigrations(List<String> applied, List<String> pending) {
        this.available = new ArrayList<>(applied);
        this.available.addAll(pending);
        this.applied.addAll(applied);
    }

    static FakeMigrations pending(String... versions) {
        return new FakeMigrations(List.of(), List.of(versions));
    }

    static FakeMigrations appliedThenPending(List<String> applied, List<String> pending) {
        return new FakeMigrations(applied, pending);
    }

    static LocalMigration migration(String version) {
        return migration(version, false);
    }

    private static LocalMigration migration(String version, boolean edited) {
        return new LocalMigration(
                version,
                "migration " + version,
                OptionalInt.of(edited ? ~version.hashCode() : version.hashCode()),
                Optional.empty());
    }

    /** Someone edits the file of a pending migration: its checksum changes. */
    void edit(String version) {
        edited.add(version);
    }

    /** Runs {@code action} on the migrating thread when {@code version} is about to run. */
    void beforeRunning(String version, Runnable action) {
        beforeRunning.put(version, action);
    }

    /** Makes the run that reaches {@code version} fail there. */
    void failAt(String version) {
        failing = version;
    }

    /**
     * A migration file appears, e.g. a deploy ships more migrations while the global waits.
     * It takes its place in version order (the versions here all have the same length).
     */
    synchronized void add(String version) {
        int at = 0;
        while (at < available.size() && available.get(at).compareTo(version) < 0) {
            at++;
        }
        available.add(at, version);
    }

    /** The target of every {@link #migrateTo} call, in order. */
    List<String> targets() {
        return List.copyOf(targets);
    }

    synchronized List<String> appliedVersions() {
        return List.copyOf(applied);
    }

    @Override
    public synchronized MigrationState state() {
        List<LocalMigration> done = new ArrayList<>();
        List<LocalMigration> all = new ArrayList<>();
        List<LocalMigration> pending = new ArrayList<>();
        for (String version : available) {
            all.add(file(version));
            if (applied.contains(version)) {
                done.add(installed(version));
            } else {
                pending.add(file(version));
            }
        }
        return new MigrationState(done, all, pending);
    }

    /**
     * As Flyway through the agent would: each migration is told to {@code listener} as starting
     * (which may refuse it), applied (without a connection: there is no database) and committed.
     */
    @Override
    public List<LocalMigration> migrateTo(String targetVersion, RunListener listener) {
        targets.add(targetVersion);
        synchronized (this) {
            int last = available.indexOf(targetVersion);
            if (last < 0) {
                throw new IllegalArgumentException(
                        "asked to migrate to " + targetVersion + ", which is no migration of " + available);
            }
            List<LocalMigration> now = new ArrayList<>();
            for (String version : available.subList(0, last + 1)) {
                if (applied.contains(version)) {
                    continue;
                }
                beforeRunning.getOrDefault(version, () -> {}).run();
                listener.starting(file(version));
                if (version.equals(failing)) {
                    throw new MigrationFailure(
                            version,
                            "migration " + version + " failed and was rolled back: "
                                    + "ERROR: column \"region\" already exists",
                            new IllegalStateException("from the database"));
                }
                try {
                    listener.applied(file(version), null);
                } catch (SQLException e) {
                    throw new MigrationFailure(version, "migration " + version + " failed: " + e.getMessage(), e);
                }
                applied.add(version);
                now.add(installed(version));
                listener.committed(installed(version));
            }
            return now;
        }
    }

    /** The migration as its file is now. */
    private LocalMigration file(String version) {
        return migration(version, edited.contains(version));
    }

    private LocalMigration installed(String version) {
        LocalMigration migration = file(version);
        return new LocalMigration(version, migration.description(), migration.checksum(), Optional.of(INSTALLED_ON));
    }
}
