package dev.muster.deploy.sandbox;

import dev.muster.agent.cli.AgentCommand;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.cli.CommandLines;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.MetricsConfig;
import dev.muster.common.net.HostPort;
import dev.muster.common.tls.Identity;
import dev.muster.coordinator.access.OperatorRole;
import dev.muster.coordinator.access.Operators;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.config.CoordinatorConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import picocli.CommandLine;

/**
 * The sandbox's regions: one embedded PostgreSQL server each, ready for logical
 * replication, and the agents' and the coordinator's configurations that point at them. Closing it stops the
 * servers and deletes what it wrote.
 */
final class SandboxFleet implements AutoCloseable {

    static final String DATABASE = "vmdb_production";
    static final String USER = "postgres";

    private final Path workDir;
    private final Path migrations;
    private final int global;
    private final List<Integer> remotes;
    private final Map<Integer, EmbeddedPostgres> servers = new TreeMap<>();
    private String coordinatorAddress;
    private SandboxCertificates certificates;

    SandboxFleet(Path workDir, Path migrations, int global, List<Integer> remotes) {
        this.workDir = workDir;
        this.migrations = migrations;
        this.global = global;
        this.remotes = List.copyOf(remotes);
    }

    List<Integer> regions() {
        List<Integer> all = new ArrayList<>(remotes);
        all.add(global);
        return all;
    }

    void start(int region) throws IOException, SQLException {
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .start();
        servers.put(region, server);
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        }
    }

    int port(int region) {
        return servers.get(region).getPort();
    }

    String jdbcUrl(int region) {
        return "jdbc:postgresql://localhost:" + port(region) + "/" + DATABASE;
    }

    DataSource database(int region) {
        return servers.get(region).getDatabase(USER, DATABASE);
    }

    void coordinatorAt(String address, SandboxCertificates certificates) {
        this.coordinatorAddress = address;
        this.certificates = certificates;
    }

    /**
     * Runs {@code muster-agent ARGS --config <region's configuration at release>} in this
     * JVM, its output shown (or kept) by {@code console}; fails unless it exits 0.
     */
    void agent(int region, String release, RegionConsole console, String... args) {
        int status = tryAgent(region, release, console, args);
        if (status != 0) {
            throw new MusterException(
                    ExitCode.FAILED,
                    "region " + region + ": muster-agent " + String.join(" ", args) + " exited with status " + status);
        }
    }

    int tryAgent(int region, String release, RegionConsole console, String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.add("--config");
        arguments.add(config(region, release).toString());
        PrintWriter out = new PrintWriter(console, true);
        CommandLine agent = CommandLines.create(new AgentCommand()).setOut(out).setErr(out);
        return agent.execute(arguments.toArray(String[]::new));
    }

    /**
     * The coordinator's configuration: the remotes as members, its state in the global's
     * database, mutual TLS with {@code certificates}' operator as an admin.
     *
     * @param metricsPort where it serves its metrics; empty for nowhere
     */
    CoordinatorConfig coordinatorConfig(SandboxCertificates certificates, Optional<Integer> metricsPort) {
        return new CoordinatorConfig(
                new HostPort("127.0.0.1", 0),
                Optional.of(new DatabaseConfig(jdbcUrl(global), USER, Optional.empty())),
                remotes,
                metricsPort.map(MetricsConfig::new),
                TransportSecurity.mutualTls(
                        certificates.coordinator(),
                        Identity.DEFAULT_TRUST_DOMAIN,
                        new Operators(Map.of(SandboxCertificates.OPERATOR, OperatorRole.ADMIN)),
                        global));
    }

    /** The agent configuration of {@code region} at the sample release {@code release}. */
    Path config(int region, String release) {
        List<String> lines = new ArrayList<>(List.of(
                "region: " + region,
                "role: " + (region == global ? "global" : "remote"),
                "database: { url: " + yamlString(jdbcUrl(region)) + ", user: " + USER + " }",
                "migrations: { locations: [" + locations(release) + "] }",
                "coordinator:",
                "  address: " + yamlString(coordinatorAddress),
                "  report_interval: 1s",
                "  tls: { cert: "
                        + yamlString(certificates.region(region).cert().toString()) + ", key: "
                        + yamlString(certificates.region(region).key().toString()) + ", ca: "
                        + yamlString(certificates.region(region).ca().toString()) + " }"));
        if (region == global) {
            lines.add("replication:");
            lines.add("  subscriptions:");
            for (int remote : remotes) {
                lines.add("    - { region: " + remote + ", host: localhost, port: " + port(remote) + ", user: " + USER
                        + ", dbname: " + DATABASE + " }");
            }
        }
        try {
            return Files.writeString(
                    workDir.resolve("agent-" + region + "-" + release + ".yaml"), String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String locations(String release) {
        List<String> directories = switch (release) {
            case "jansa" -> List.of("jansa");
            case "kasparov" -> List.of("jansa", "kasparov");
            default -> throw new IllegalArgumentException("no sample release " + release);
        };
        return directories.stream()
                .map(directory -> yamlString("filesystem:" + migrations.resolve(directory)))
                .collect(Collectors.joining(", "));
    }

    /** {@code text} as a double-quoted YAML scalar: an install path may hold quotes, backslashes or '#'. */
    static String yamlString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        // The global first: its apply workers stream from the remotes until it stops.
        List<EmbeddedPostgres> stopOrder = new ArrayList<>();
        Optional.ofNullable(servers.get(global)).ifPresent(stopOrder::add);
        servers.forEach((region, server) -> {
            if (region != global) {
                stopOrder.add(server);
            }
        });
        for (EmbeddedPostgres server : stopOrder) {
            try {
                server.close();
            } catch (IOException e) {
                // the others still get stopped; the data directories are temporary
            }
        }
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
