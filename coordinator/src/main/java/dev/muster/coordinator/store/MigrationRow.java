package dev.muster.coordinator.store;

import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.RegionState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of {@code muster.fleet_region_migration}: a migration a region has applied, has
 * in its files, or both, with its place in each list.
 */
record MigrationRow(Migration migration, Integer appliedPosition, Integer availablePosition) {

    static Map<String, MigrationRow> of(RegionState state) {
        Map<String, Integer> appliedAt = positions(state.applied());
        Map<String, Integer> availableAt = positions(state.available());
        Map<String, MigrationRow> rows = new HashMap<>();
        for (Map<String, Migration> list : List.of(state.applied(), state.available())) {
            // the applied form wins where both lists have a version: it is what the database says
            list.values()
                    .forEach(migration -> rows.putIfAbsent(
                            migration.version(),
                            new MigrationRow(
                                    migration,
                                    appliedAt.get(migration.version()),
                                    availableAt.get(migration.version()))));
        }
        return rows;
    }

    private static Map<String, Integer> positions(Map<String, Migration> ordered) {
        Map<String, Integer> positions = new HashMap<>();
        int position = 0;
        for (String version : ordered.keySet()) {
            positions.put(version, position++);
        }
        return positions;
    }

    /** Makes regions' stored rows what they are now, in two batches for all of them; closing closes its statements. */
    static final class Writer implements AutoCloseable {

        private final PreparedStatement upsert;
        private final PreparedStatement delete;

        Writer(Connection db) throws SQLException {
            upsert = db.prepareStatement("""
                     INSERT INTO muster.fleet_region_migration
                         (region, version, description, checksum, applied_position, available_position)
                     VALUES (?, ?, ?, ?, ?, ?)
                     ON CONFLICT (region, version) DO UPDATE
                     SET description = excluded.description, checksum = excluded.checksum,
                         applied_position = excluded.applied_position,
                         available_position = excluded.available_position""");
            delete = db.prepareStatement("DELETE FROM muster.fleet_region_migration WHERE region = ? AND version = ?");
        }

        /** The region's rows are {@code now}; they were {@code before}. Returns how many rows it added to the batches. */
        int add(int region, Map<String, MigrationRow> before, Map<String, MigrationRow> now) throws SQLException {
            int added = 0;
            for (MigrationRow row : now.values()) {
                if (!Objects.equals(before.get(row.migration().version()), row)) {
                    upsert.setInt(1, region);
                    upsert.setString(2, row.migration().version());
                    upsert.setString(3, row.migration().description());
                    if (row.migration().checksum().isPresent()) {
                        upsert.setInt(4, row.migration().checksum().getAsInt());
                    } else {
                        upsert.setNull(4, Types.INTEGER);
                    }
                    upsert.setObject(5, row.appliedPosition(), Types.INTEGER);
                    upsert.setObject(6, row.availablePosition(), Types.INTEGER);
                    upsert.addBatch();
                    added++;
                }
            }
            for (String version : before.keySet()) {
                if (!now.containsKey(version)) {
                    delete.setInt(1, region);
                    delete.setString(2, version);
                    delete.addBatch();
                    added++;
                }
            }
            return added;
        }

        void execute() throws SQLException {
            upsert.executeBatch();
            delete.executeBatch();
        }

        @Override
        public void close() throws SQLException {
            try (upsert;
                    delete) {
                // both closed, even if one fails
            }
        }
    }
}
