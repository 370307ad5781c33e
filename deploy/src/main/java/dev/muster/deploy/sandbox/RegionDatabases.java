package dev.muster.deploy.sandbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The SQL the sandbox runs on its regions' databases: the rows it writes there, and what it reads back. */
final class RegionDatabases {

    private final SandboxFleet fleet;

    RegionDatabases(SandboxFleet fleet) {
        this.fleet = fleet;
    }

    /** Writes vms {@code vm-REGION-1} to {@code vm-REGION-count} of {@code vendor}. */
    void writeVms(int region, int count, String vendor) throws SQLException {
        try (Connection connection = fleet.database(region).getConnection();
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO vms (name, vendor) VALUES (?, ?)")) {
            for (int i = 1; i <= count; i++) {
                insert.setString(1, "vm-" + region + "-" + i);
                insert.setString(2, vendor);
                insert.executeUpdate();
            }
        }
    }

    /**
     * Writes rows that only the second sample release's schema takes, marked {@code mark}: a
     * vm that retires (a new column) and a service template (a new table).
     */
    void writeRowsOfTheSecondRelease(int region, String mark) throws SQLException {
        try (Connection connection = fleet.database(region).getConnection();
                PreparedStatement vm = connection.prepareStatement("INSERT INTO vms (name, vendor, retires_on, "
                        + "retirement_state) VALUES (?, ?, DATE '2030-01-01', ?)");
                PreparedStatement template =
                        connection.prepareStatement("INSERT INTO service_templates (name) VALUES (?)")) {
            vm.setString(1, "vm-" + region + "-retiring");
            vm.setString(2, mark);
            vm.setString(3, mark);
            vm.executeUpdate();
            template.setString(1, "template of region " + region);
            template.executeUpdate();
        }
    }

    /** The single number {@code sql} counts on the region's database. */
    long count(int region, String sql) throws SQLException {
        try (Connection connection = fleet.database(region).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** The ids of the region's users, in order. */
    List<Long> userIds(int region) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = fleet.database(region).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT id FROM users ORDER BY id")) {
            while (result.next()) {
                ids.add(result.getLong(1));
            }
        }
        return ids;
    }

    /** The time from the commit of the region's last migration (as Flyway's history has it) until now. */
    Duration sinceLastMigration(int region) throws SQLException {
        try (Connection connection = fleet.database(region).getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT extract(epoch FROM clock_timestamp() - (installed_on "
                        + "+ execution_time * interval '1 millisecond')) FROM flyway_schema_history "
                        + "WHERE success ORDER BY installed_rank DESC LIMIT 1")) {
            result.next();
            return Duration.ofMillis(Math.round(result.getDouble(1) * 1000));
        }
    }
}
