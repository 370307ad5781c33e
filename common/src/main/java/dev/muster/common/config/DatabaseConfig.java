package dev.muster.common.config;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How to reach a PostgreSQL database. The password lives in a file (never in the YAML),
 * is checked to be readable when the configuration is loaded, and is read when used.
 */
public record DatabaseConfig(String url, String user, Optional<Path> passwordFile) {

    public static DatabaseConfig read(ConfigSection section) {
        section.allowOnly("url", "user", "password_file");
        String url = section.string("url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw section.error("url", "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/dbname)");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&]password=.*")) {
            // The URL is printed in messages; the password would go with it.
            throw section.error("url", "must not contain the password: put it in a file named by password_file");
        }
        String user = section.string("user");
        Optional<Path> passwordFile = section.optionalReadableFile("password_file");
        return new DatabaseConfig(url, user, passwordFile);
    }

    /** The password, or empty when the server does not ask for one (trust or peer authentication). */
    public Optional<Secret> password() {
        return passwordFile.map(file -> {
            try {
                return Secret.fromFile(file);
            } catch (IOException e) {
                throw new MusterException(
                        ExitCode.CONFIG, "cannot read the database password file " + file + ": " + e.getMessage(), e);
            }
        });
    }
}
