package dev.muster.it.bench.overhead;

import dev.muster.it.bench.BenchmarkEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** The overhead benchmark's figures as {@code docs/benchmarks-overhead.md}. */
public record OverheadReport(BenchmarkEnvironment environment, OverheadResults results, Optional<String> note) {

    public static final String DOCUMENT = "benchmarks-overhead.md";

    public void write(Path docs) throws IOException {
        Files.writeString(docs.resolve(DOCUMENT), markdown());
    }

    public String markdown() {
        StringBuilder doc = new StringBuilder("# Benchmarks: the cost of coordination\n\n");
        doc.append("Written by `OverheadBenchmarkIT` (`./mvnw -B verify -Pbenchmarks`); run it again rather than"
                        + " editing this file. Measured ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                        .format(environment.measuredAt().atOffset(ZoneOffset.UTC)))
                .append(".\n\n");
        doc.append("What muster adds to an upgrade an operator runs by hand: the same migrations brought to"
                + " three regions by plain Flyway, and by `muster-agent migrate` with a coordinator.\n\n");
        note.ifPresent(text -> doc.append("**Note:** ").append(text).append("\n\n"));
        doc.append(results.markdown("##"));
        doc.append("\n## Method\n\n")
                .append("Three PostgreSQL servers, the global (region 99) and remotes 1 and 2. Each run gets fresh"
                        + " databases on them, initialised as `muster-agent init` leaves them; the ")
                .append(results.migrations())
                .append(" migrations each create one table. Every region runs in a JVM of its own, one after the"
                        + " other, as an operator runs them by hand:\n\n")
                .append("- **plain Flyway**: `Flyway.configure().dataSource(…).locations(…).load().migrate()` in a"
                        + " `java` process on the distribution's own jars, remotes then global: on the JVM's"
                        + " defaults, as it is usually run, and on the options the launcher gives its short runs"
                        + " (`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`), so that what those options save is told"
                        + " apart from what coordination costs.\n")
                .append("- **`muster-agent migrate`**: the distribution's launcher, with a coordinator in the"
                        + " benchmark's JVM (plaintext gRPC on loopback; not part of what is timed, since it runs"
                        + " beforehand), remotes then global; and in the seed's order, the global first, waiting"
                        + " until both remotes have reported, which is when it can apply.\n")
                .append("- **class data archive**: `muster-agent migrate` maps the classes it needs from an"
                        + " archive the launcher had the JVM write (`-XX:ArchiveClassesAtExit`) at the end of the first"
                        + " `migrate`, one before the trials; `MUSTER_CDS=off` measures it without.\n\n")
                .append("The floors are single processes measured in each trial: the launcher's JVM printing its"
                        + " version, and a run with nothing to apply on a global that is up to date. Each trial runs"
                        + " every procedure in turn, so that whatever else loads the machine meets all alike. Every"
                        + " run is checked from the databases: each region has every migration and, where muster"
                        + " coordinated, the global began each version after both remotes had committed it; the"
                        + " benchmark fails otherwise. Nothing about time is asserted.\n");
        doc.append(environment.markdown("##"));
        return doc.toString();
    }
}
