package dev.muster.agent.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's history row of a migration that has just committed, read on the connection it ran
 * on: its report then says what the history says, its rank above all (the coordinator tells a
 * hello read just before the migration committed from a history that lost it by the ranks).
 */
final class HistoryRows {

    private static final Logger log = LoggerFactory.getLogger(HistoryRows.class);

    private final String table;

    /** @param table the history table's name, in the schema Flyway runs in */
    HistoryRows(String table) {
        this.table = table;
    }

    /**
     * {@code migration} as its history row records it; as it is if the row cannot be read
     * (the report then goes without a rank, which the coordinator accepts).
     */
    LocalMigration recorded(LocalMigration migration, Connection connection) {
        String sql = "SELECT installed_rank, installed_on, execution_time FROM \"" + table.replace("\"", "\"\"")
                + "\" WHERE version = ? AND success ORDER BY installed_rank DESC LIMIT 1";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, migration.version());
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    return new LocalMigration(
                            migration.version(),
                            migration.description(),
                            migration.checksum(),
                            // Flyway's own view of the history has milliseconds
                            Optional.of(row.getTimestamp(2).toInstant().truncatedTo(ChronoUnit.MILLIS)),
                            Optional.of(Duration.ofMillis(row.getInt(3))),
                            OptionalInt.of(row.getInt(1)));
                }
            }
        } catch (SQLException e) {
            log.warn(
                    "Cannot read the history row of migration {}; it is reported without its rank",
                    migration.version(),
                    e);
        }
        return migration;
    }
}
