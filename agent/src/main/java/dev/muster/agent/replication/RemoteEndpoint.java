package dev.muster.agent.replication;

import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.Secret;
import dev.muster.common.net.HostPort;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How the global reaches one remote region, from its {@code replication.subscriptions} entry. */
record RemoteEndpoint(SubscriptionConfig config) {

    int region() {
        return config.region();
    }

    String subscription() {
        return SubscriptionName.of(config.region());
    }

    IdRange ids() {
        return IdRange.of(config.region());
    }

    HostPort address() {
        return new HostPort(config.host(), config.port());
    }

    /** For messages: where, as whom, never the password. */
    String describe() {
        return "region " + config.region() + " at " + address() + " (database " + config.dbname() + ", user "
                + config.user() + ")";
    }

    String jdbcUrl() {
        List<String> parameters = new ArrayList<>();
        config.sslmode()
                .ifPresent(mode -> parameters.add("sslmode=" + URLEncoder.encode(mode, StandardCharsets.UTF_8)));
        config.sslrootcert()
                .ifPresent(file ->
                        parameters.add("sslrootcert=" + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8)));
        return "jdbc:postgresql://" + address() + "/" + URLEncoder.encode(config.dbname(), StandardCharsets.UTF_8)
                + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters));
    }

    /** Read when used, so that a changed password file needs no restart. */
    Optional<Secret> password() {
        return config.passwordFile().map(file -> {
            try {
                return Secret.fromFile(file);
            } catch (IOException e) {
                throw new MusterException(
                        ExitCode.CONFIG,
                        "cannot read the password file " + file + " of region " + config.region() + "'s subscription: "
                                + e.getMessage(),
                        e);
            }
        });
    }

    ConnectionString connectionString() {
        return ConnectionString.of(config.host(), config.port(), config.user(), config.dbname(), password())
                .with("sslmode", config.sslmode())
                .with("sslrootcert", config.sslrootcert().map(Path::toString));
    }
}
