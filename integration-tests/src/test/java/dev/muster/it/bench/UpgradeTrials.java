package dev.muster.it.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.daemon.AgentDaemon;
import dev.muster.common.cli.CommandLines;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.coordinator.cli.MusterCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Trials of muster driven by the operator's {@code muster upgrade}: a coordinator in this JVM
 * (plaintext gRPC on loopback, the fleet in memory) and each region's daemon ({@code
 * muster-agent run}) in this JVM, the global subscribing to both remotes. Per trial the
 * upgrade to the trial's version carries out the whole procedure on the daemons: teardown,
 * the remotes' migrations, the global's, setup, verify. The regions' databases are their own,
 * beside the benchmark's, so that the trials by hand and these never share a history.
 */
public final class UpgradeTrials implements AutoCloseable {

    static final String DATABASE = "upgrade_trials";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final BenchmarkServers servers;
    private final TrialMigrations migrations;
    private final LoopbackCoordinator coordinator;
    private final Map<Integer, DatabaseConfig> databases = new LinkedHashMap<>();
    private final List<AgentDaemon> daemons = new ArrayList<>();

    private UpgradeTrials(BenchmarkServers servers, TrialMigrations migrations, LoopbackCoordinator coordinator) {
        this.servers = servers;
        this.migrations = migrations;
        this.coordinator = coordinator;
    }

    public static UpgradeTrials start(BenchmarkServers servers, Path dir) throws IOException {
        UpgradeTrials trials = new UpgradeTrials(
                servers, new TrialMigrations(dir.resolve("migrations")), LoopbackCoordinator.start(dir));
        try {
            for (int region : servers.regions()) {
                trials.databases.put(region, servers.freshDatabase(region, DATABASE));
            }
            for (int region : servers.regions()) {
                AgentDaemon daemon = AgentDaemon.create(
                        AgentConfig.load(Files.writeString(
                                dir.resolve("agent-" + region + ".yaml"), trials.agentConfig(region))),
                        "benchmark");
                trials.daemons.add(daemon);
                daemon.start();
            }
            await("every region's daemon connected, the global's replication reported")
                    .atMost(PATIENCE)
                    .until(trials::fleetReady);
        } catch (RuntimeException | Error e) {
            trials.close();
            throw e;
        }
        return trials;
    }

    /** Runs trial {@code trial}: the migration added, then {@code muster upgrade} to it. */
    public TrialTimes run(int trial) throws Exception {
        String version = migrations.add(trial);
        String output = muster("upgrade", "--to", version, "--teardown", "disable");
        assertThat(output).contains("Upgrade done: the fleet is at " + version);
        return TrialTimes.read(version, dataSource(BenchmarkServers.GLOBAL), dataSource(1), dataSource(2));
    }

    private String agentConfig(int region) {
        boolean global = region == BenchmarkServers.GLOBAL;
        DatabaseConfig database = databases.get(region);
        List<String> lines = new ArrayList<>(List.of(
                "region: " + region,
                "role: " + (global ? "global" : "remote"),
                "database: { url: \"" + database.url() + "\", user: \"" + database.user() + "\""
                        + passwordFile(database) + " }",
                "migrations: { locations: [\"" + migrations.location() + "\"] }",
                "coordinator: { address: \"" + coordinator.address() + "\", report_interval: 300ms }"));
        if (global) {
            lines.add("replication:");
            lines.add("  subscriptions:");
            for (int remote : BenchmarkServers.REMOTES) {
                DatabaseConfig publisher = databases.get(remote);
                Properties url = Driver.parseURL(publisher.url(), null);
                lines.add("    - { region: " + remote + ", host: \"" + url.getProperty("PGHOST") + "\", port: "
                        + url.getProperty("PGPORT") + ", user: \"" + publisher.user() + "\", dbname: \""
                        + url.getProperty("PGDBNAME") + "\"" + passwordFile(publisher) + " }");
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String passwordFile(DatabaseConfig database) {
        return database.passwordFile()
                .map(file -> ", password_file: \"" + file.toAbsolutePath() + "\"")
                .orElse("");
    }

    private boolean fleetReady() {
        var hub = coordinator.coordinator().hub();
        var fleet = hub.fleet();
        return servers.regions().stream().allMatch(hub::hasDaemon)
                && fleet.region(BenchmarkServers.GLOBAL)
                        .flatMap(state -> state.replication())
                        .isPresent();
    }

    private String muster(String... args) {
        StringWriter out = new StringWriter();
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--coordinator", coordinator.address()));
        int exit = CommandLines.create(new MusterCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true))
                .execute(command.toArray(String[]::new));
        assertThat(exit).as("muster %s: %s", List.of(args), out).isZero();
        return out.toString();
    }

    private javax.sql.DataSource dataSource(int region) {
        DatabaseConfig database = databases.get(region);
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(database.url());
        source.setUser(database.user());
        database.password().ifPresent(secret -> source.setPassword(secret.reveal()));
        return source;
    }

    /** Stops the daemons and the coordinator and drops the trials' databases, the subscriptions and slots first. */
    @Override
    public void close() {
        daemons.forEach(AgentDaemon::close);
        coordinator.close();
        if (databases.size() == servers.regions().size()) {
            dropSubscriptions();
        }
        for (int region : databases.keySet()) {
            servers.dropDatabase(region, DATABASE);
        }
    }

    /**
     * A database cannot be dropped while it subscribes, or while a slot of it remains: each
     * subscription is dropped with its slot, and a slot left by one that could not reach its
     * remote is dropped there.
     */
    private void dropSubscriptions() {
        try (Connection global = dataSource(BenchmarkServers.GLOBAL).getConnection();
                Statement statement = global.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT subname FROM pg_subscription s JOIN pg_database d"
                    + " ON d.oid = s.subdbid WHERE d.datname = current_database()")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            for (String name : names) {
                String quoted = "\"" + name.replace("\"", "\"\"") + "\"";
                try {
                    statement.execute("DROP SUBSCRIPTION " + quoted);
                } catch (SQLException unreachable) {
                    statement.execute("ALTER SUBSCRIPTION " + quoted + " DISABLE");
                    statement.execute("ALTER SUBSCRIPTION " + quoted + " SET (slot_name = NONE)");
                    statement.execute("DROP SUBSCRIPTION " + quoted);
                }
            }
            for (int remote : BenchmarkServers.REMOTES) {
                await("region " + remote + "'s slots of the trials dropped")
                        .atMost(PATIENCE)
                        .until(() -> dropInactiveSlots(remote));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the upgrade trials' subscriptions: " + e.getMessage(), e);
        }
    }

    /** Drops the slots of the trials' database on {@code remote} that no walsender holds; whether none is left. */
    private boolean dropInactiveSlots(int remote) throws SQLException {
        try (Connection connection = dataSource(remote).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE database = current_database() AND NOT active");
            try (ResultSet left = statement.executeQuery(
                    "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")) {
                return left.next() && left.getLong(1) == 0;
            }
        }
    }
}
