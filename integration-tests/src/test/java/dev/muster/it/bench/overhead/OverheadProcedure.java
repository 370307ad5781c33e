package dev.muster.it.bench.overhead;

/** The ways the overhead benchmark brings three regions to the same 200 migrations. */
public enum OverheadProcedure {
    PLAIN_FLYWAY("plain Flyway, remotes then global"),
    PLAIN_FLYWAY_SHORT_RUN_OPTIONS(
            "plain Flyway on the launcher's JVM options (client compiler, serial collector), remotes then global"),
    MUSTER_WITHOUT_CDS("`muster-agent migrate` without its class data archive (`MUSTER_CDS=off`), remotes then global"),
    MUSTER("`muster-agent migrate`, remotes then global"),
    MUSTER_SEED_ORDER("`muster-agent migrate`, the global first and waiting (the seed's order)");

    private final String label;

    OverheadProcedure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean coordinated() {
        return !plain();
    }

    public boolean plain() {
        return this == PLAIN_FLYWAY || this == PLAIN_FLYWAY_SHORT_RUN_OPTIONS;
    }
}
