package dev.muster.coordinator.steps;

/** One thing an upgrade asks a region's daemon to do, as the agent command of the same name would. */
public sealed interface Step {

    /** {@code replication teardown --mode MODE}, on the global. */
    record Teardown(String mode) implements Step {}

    /** {@code migrate --to VERSION}: the global's is gated by the release rule as always. */
    record Migrate(String targetVersion) implements Step {}

    /** {@code replication setup}. */
    record SetUp() implements Step {}

    /** {@code replication verify}, on the global. */
    record Verify() implements Step {}

    /** Read the migration files now, and tell the coordinator what they contain. */
    record ReadCode() implements Step {}

    /** In words, for progress lines: "migrate to 20200801120000". */
    default String describe() {
        if (this instanceof Teardown teardown) {
            return "replication teardown --mode " + teardown.mode();
        }
        if (this instanceof Migrate migrate) {
            return "migrate --to " + migrate.targetVersion();
        }
        if (this instanceof SetUp) {
            return "replication setup";
        }
        if (this instanceof ReadCode) {
            return "read its migration files";
        }
        return "replication verify";
    }
}
