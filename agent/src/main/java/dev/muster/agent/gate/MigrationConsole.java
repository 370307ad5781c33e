package dev.muster.agent.gate;

import dev.muster.agent.migrate.LocalMigration;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What {@code migrate} tells the person running it, on standard output. The wait line is
 * worded exactly as the manual upgrade procedure has always printed it.
 */
public final class MigrationConsole {

    private final PrintWriter out;

    public MigrationConsole(PrintWriter out) {
        this.out = out;
    }

    public void waiting(int region, String version) {
        out.println("Waiting for remote region " + region + " to run migration " + version);
    }

    public void pending(List<String> versions) {
        out.println(versions.size() + " pending migration" + (versions.size() == 1 ? "" : "s") + ": " + versions.get(0)
                + (versions.size() > 1 ? " … " + versions.get(versions.size() - 1) : ""));
    }

    public void applied(LocalMigration migration) {
        out.println("Applied migration " + migration.version() + " (" + migration.description() + ")");
    }

    public void upToDate(String version) {
        out.println("Database is up to date" + (version == null ? " (no migrations)" : " at version " + version));
    }

    public void linkDown(String reason, Duration retryIn) {
        out.println(reason + "; retrying in " + seconds(retryIn));
    }

    public void reconnected(String target) {
        out.println("Connected to the coordinator at " + target + " again");
    }

    public void held(String version, String reason) {
        out.println("Migration " + version + " is held: " + reason);
    }

    public void refused(String reason) {
        out.println("The coordinator refused this agent (" + reason + "); retrying");
    }

    public void reportFailed(String target, Duration waited) {
        out.println("Could not report to the coordinator at " + target + " within " + seconds(waited)
                + "; it will learn what this region applied when this region's agent next connects");
    }

    private static String seconds(Duration duration) {
        return String.format("%.1fs", duration.toMillis() / 1000.0);
    }
}
