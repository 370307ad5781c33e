package dev.muster.it.bench;

import dev.muster.common.config.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An agent's configuration file as a benchmark writes it: plaintext to a coordinator on loopback. */
public final class AgentConfigFile {

    private AgentConfigFile() {}

    public static Path write(
            Path file, int region, DatabaseConfig database, String migrationsLocation, String coordinatorAddress)
            throws IOException {
        String password = database.passwordFile()
                .map(passwordFile -> ", password_file: \"" + passwordFile.toAbsolutePath() + "\"")
                .orElse("");
        return Files.writeString(
                file,
                String.join(
                        "\n",
                        "region: " + region,
                        "role: " + (region == BenchmarkServers.GLOBAL ? "global" : "remote"),
                        "database: { url: \"" + database.url() + "\", user: \"" + database.user() + "\"" + password
                                + " }",
                        "migrations: { locations: [\"" + migrationsLocation + "\"] }",
                        "coordinator: { address: \"" + coordinatorAddress + "\" }",
                        ""));
    }
}
