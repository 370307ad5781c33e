package dev.muster.agent.daemon;

import dev.muster.agent.link.WireMessages;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Follows the region's migration files while the daemon runs, so that new code put in place
 * reaches the coordinator without a restart: each read becomes a CodeReport carrying the
 * migrations when they differ from what the session last told (its Hello, or the report
 * before), and otherwise only the time of the read. Reads once per report interval, and
 * when the coordinator asks; no file watcher, whose events race with a copy in progress.
 */
final class CodeWatcher {

    private final Supplier<List<LocalMigration>> files;
    private final Clock clock;
    /** What the coordinator knows of the files on the current session. */
    private final AtomicReference<List<Migration>> told = new AtomicReference<>(List.of());

    /** @param files reads the migration files now (throws when they cannot be read) */
    CodeWatcher(Supplier<List<LocalMigration>> files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    /** A session begins with {@code hello}: what it says of the files is what the coordinator knows. */
    Hello told(Hello hello) {
        told.set(hello.getAvailableList());
        return hello;
    }

    /** Reads the files now; the report to send. */
    AgentMessage read() {
        List<Migration> now = WireMessages.migrations(files.get());
        List<Migration> before = told.getAndSet(now);
        return WireMessages.codeReport(clock.instant(), now.equals(before) ? Optional.empty() : Optional.of(now));
    }
}
