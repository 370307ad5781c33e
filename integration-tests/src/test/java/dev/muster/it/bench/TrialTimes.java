package dev.muster.it.bench;

import dev.muster.it.fixture.SchemaHistory;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One trial as the databases recorded it: when each remote's migration of the trial's
 * version committed (its commit timestamp) and when the global's began ({@code installed_on},
 * Flyway's {@code now()} in the migration's transaction).
 */
public record TrialTimes(
        String version, Instant regionOneCommitted, Instant regionTwoCommitted, Instant globalInstalled) {

    /** Reads the version's times from the flyway_schema_history each data source sees. */
    public static TrialTimes read(String version, DataSource global, DataSource regionOne, DataSource regionTwo)
            throws SQLException {
        return new TrialTimes(
                version,
                committed(regionOne, version, 1),
                committed(regionTwo, version, 2),
                installed(global, version));
    }

    /** The release latency: from the last remote's commit (region 2 migrates last) to the global's start. */
    public Duration afterRegionTwo() {
        return Duration.between(regionTwoCommitted, globalInstalled);
    }

    /** From whichever remote committed last to the global's start: the release latency when the remotes migrate at once. */
    public Duration afterLastRemote() {
        Instant last = regionOneCommitted.isAfter(regionTwoCommitted) ? regionOneCommitted : regionTwoCommitted;
        return Duration.between(last, globalInstalled);
    }

    public Duration afterRegionOne() {
        return Duration.between(regionOneCommitted, globalInstalled);
    }

    /** The safety invariant, broken: the global began the version before a remote had committed it. */
    public List<String> safetyViolations() {
        List<String> violations = new ArrayList<>();
        if (!globalInstalled.isAfter(regionOneCommitted)) {
            violations.add(violation(1, regionOneCommitted));
        }
        if (!globalInstalled.isAfter(regionTwoCommitted)) {
            violations.add(violation(2, regionTwoCommitted));
        }
        return violations;
    }

    private String violation(int region, Instant committed) {
        return "the global began " + version + " at " + globalInstalled + ", not after region " + region
                + " committed it at " + committed;
    }

    private static Instant committed(DataSource remote, String version, int region) throws SQLException {
        Instant committed = SchemaHistory.of(remote).committedAt().get(version);
        if (committed == null) {
            throw new IllegalStateException("region " + region + " has not applied " + version);
        }
        return committed;
    }

    private static Instant installed(DataSource global, String version) throws SQLException {
        Instant installed = SchemaHistory.of(global).installedOn().get(version);
        if (installed == null) {
            throw new IllegalStateException("the global has not applied " + version);
        }
        return installed;
    }
}
