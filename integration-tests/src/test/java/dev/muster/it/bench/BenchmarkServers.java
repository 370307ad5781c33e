package dev.muster.it.bench;

import dev.muster.agent.region.RegionIds;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.common.config.Secret;
import dev.muster.it.fixture.PostgresFleet;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The three PostgreSQL databases a benchmark runs on: the global's ({@value #GLOBAL}) and
 * those of remotes 1 and 2. Three embedded servers on loopback by default; with the system
 * properties {@code bench.jdbc.global}, {@code bench.jdbc.region1} and {@code bench.jdbc.region2}
 * (JDBC URLs without a password), the databases they name, logging in as {@code bench.user}
 * (default {@value PostgresFleet#USER}) with the password in the file {@code bench.password.file}
 * if the servers ask for one.
 */
public final class BenchmarkServers implements AutoCloseable {

    public static final int GLOBAL = 99;
    public static final List<Integer> REMOTES = List.of(1, 2);

    private final Map<Integer, String> urls;
    private final String user;
    private final Optional<Path> passwordFile;
    private final Optional<PostgresFleet> embedded;

    private BenchmarkServers(
            Map<Integer, String> urls, String user, Optional<Path> passwordFile, Optional<PostgresFleet> embedded) {
        this.urls = Map.copyOf(urls);
        this.user = user;
        this.passwordFile = passwordFile;
        this.embedded = embedded;
    }

    /**
     * The databases the system properties name, or else three embedded servers; each database
     * recorded as its region's, as {@code muster-agent init} leaves it.
     */
    public static BenchmarkServers fromSystemProperties() throws IOException {
        String global = System.getProperty("bench.jdbc.global");
        return global == null ? embedded() : prepared(named(global));
    }

    /** Three embedded servers on loopback, their databases recorded as their regions'. */
    public static BenchmarkServers embedded() throws IOException {
        PostgresFleet fleet = PostgresFleet.start(GLOBAL, 1, 2);
        Map<Integer, String> urls = new LinkedHashMap<>();
        for (int region : List.of(GLOBAL, 1, 2)) {
            urls.put(region, fleet.jdbcUrl(region));
        }
        return prepared(new BenchmarkServers(urls, PostgresFleet.USER, Optional.empty(), Optional.of(fleet)));
    }

    private static BenchmarkServers prepared(BenchmarkServers servers) {
        try {
            servers.checkReady();
            for (int region : servers.regions()) {
                new RegionIds(servers.database(region)).initialize(region);
            }
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    private static BenchmarkServers named(String global) {
        Map<Integer, String> urls = new LinkedHashMap<>();
        urls.put(GLOBAL, global);
        for (int remote : REMOTES) {
            String url = System.getProperty("bench.jdbc.region" + remote);
            if (url == null) {
                throw new IllegalArgumentException(
                        "bench.jdbc.global is set, so bench.jdbc.region1 and bench.jdbc.region2 must be too");
            }
            urls.put(remote, url);
        }
        return new BenchmarkServers(
                urls,
                System.getProperty("bench.user", PostgresFleet.USER),
                Optional.ofNullable(System.getProperty("bench.password.file")).map(Path::of),
                Optional.empty());
    }

    public List<Integer> regions() {
        return List.of(GLOBAL, 1, 2);
    }

    public boolean isEmbedded() {
        return embedded.isPresent();
    }

    /** How muster's agents and Flyway reach the region's database. */
    public DatabaseConfig database(int region) {
        return new DatabaseConfig(url(region), user, passwordFile);
    }

    public DataSource dataSource(int region) {
        return dataSource(region, Optional.empty());
    }

    /** A data source whose connections see {@code schema} first: unqualified names resolve there. */
    public DataSource dataSource(int region, String schema) {
        return dataSource(region, Optional.of(schema));
    }

    private DataSource dataSource(int region, Optional<String> schema) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(url(region));
        source.setUser(user);
        password().ifPresent(source::setPassword);
        schema.ifPresent(source::setCurrentSchema);
        return source;
    }

    /**
     * A libpq connection string to a remote's database, for a subscription on the global: the
     * remote's host as its JDBC URL names it, so it must be one the global's server reaches too.
     */
    public String connectionString(int remote) {
        Properties parsed = Driver.parseURL(url(remote), null);
        if (parsed == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url(remote));
        }
        String text = "host=" + quoted(parsed.getProperty("PGHOST")) + " port=" + quoted(parsed.getProperty("PGPORT"))
                + " dbname=" + quoted(parsed.getProperty("PGDBNAME")) + " user=" + quoted(user)
                + " connect_timeout=10";
        return password().map(secret -> text + " password=" + quoted(secret)).orElse(text);
    }

    /**
     * Creates database {@code name} on the region's server beside the benchmark's own, recorded
     * as the region's as {@code muster-agent init} leaves it, and returns how to reach it.
     */
    public DatabaseConfig freshDatabase(int region, String name) {
        execute(region, "CREATE DATABASE " + name);
        Properties parsed = Driver.parseURL(url(region), null);
        int query = url(region).indexOf('?');
        String url = "jdbc:postgresql://" + parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT") + "/"
                + name + (query < 0 ? "" : url(region).substring(query));
        DatabaseConfig database = new DatabaseConfig(url, user, passwordFile);
        new RegionIds(database).initialize(region);
        return database;
    }

    /** Drops a database {@link #freshDatabase} created, ending any session still on it. */
    public void dropDatabase(int region, String name) {
        execute(region, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(int region, String sql) {
        try (Connection connection = dataSource(region).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("region " + region + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The server's version, e.g. {@code 18.3}. */
    public String serverVersion(int region) {
        return setting(region, "server_version");
    }

    public String setting(int region, String name) {
        try (Connection connection = dataSource(region).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("region " + region + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commit timestamps are what the remotes' side of a latency is read from, and the in-band
     * signal travels by logical replication; the migrations' versions start at 1, so the
     * databases must not have a migration history yet, nor the in-band schemas.
     */
    private void checkReady() {
        for (int remote : REMOTES) {
            if (!"on".equals(setting(remote, "track_commit_timestamp"))) {
                throw new IllegalStateException("region " + remote + "'s server needs track_commit_timestamp = on");
            }
            if (!"logical".equals(setting(remote, "wal_level"))) {
                throw new IllegalStateException("region " + remote + "'s server needs wal_level = logical");
            }
        }
        for (int region : regions()) {
            try (Connection connection = dataSource(region).getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery(
                            "SELECT to_regclass('flyway_schema_history') IS NOT NULL OR to_regnamespace('"
                                    + InBandTrials.SCHEMA + "') IS NOT NULL OR to_regnamespace('"
                                    + InBandSignal.SCHEMA + "') IS NOT NULL")) {
                result.next();
                if (result.getBoolean(1)) {
                    throw new IllegalStateException(
                            "region " + region + "'s database " + url(region)
                                    + " has a migration history or an in-band schema already: the benchmark needs fresh databases");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("region " + region + ": " + e.getMessage(), e);
            }
        }
    }

    private String url(int region) {
        String url = urls.get(region);
        if (url == null) {
            throw new IllegalArgumentException("no database for region " + region);
        }
        return url;
    }

    private Optional<String> password() {
        return database(GLOBAL).password().map(Secret::reveal);
    }

    /** libpq's quoting: single quotes around, a backslash before a quote or a backslash. */
    private static String quoted(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public void close() {
        embedded.ifPresent(PostgresFleet::close);
    }
}
