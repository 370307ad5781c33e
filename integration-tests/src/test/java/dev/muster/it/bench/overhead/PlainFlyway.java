package dev.muster.it.bench.overhead;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;

/**
 * Plain Flyway, what a region runs without muster: one {@code migrate} of one database, in a
 * JVM of its own, with the distribution's Flyway jars. Arguments: JDBC URL, user, a password
 * file or {@code -} for none, and the migrations' location. The password is read from its
 * file, so that it never shows in the process list.
 */
public final class PlainFlyway {

    private PlainFlyway() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: PlainFlyway JDBC_URL USER PASSWORD_FILE|- LOCATION");
            System.exit(2);
        }
        String password = args[2].equals("-")
                ? null
                : Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
        var result = Flyway.configure()
                .dataSource(args[0], args[1], password)
                .locations(args[3])
                .load()
                .migrate();
        System.out.println("Migrated " + result.migrationsExecuted + " migrations");
    }
}
