package dev.muster.agent.link;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.db.DatabaseIdentity;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Role;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * This agent process's Hello, read afresh for every session: the migrations as the database
 * has them now, which database it is, and an instance id drawn once per process.
 */
public final class LocalHello implements Supplier<Hello> {

    private final int region;
    private final Role role;
    private final String agentVersion;
    private final Supplier<MigrationState> migrations;
    private final Supplier<String> databaseId;
    private final String instanceId = UUID.randomUUID().toString();

    public LocalHello(
            int region,
            Role role,
            String agentVersion,
            Supplier<MigrationState> migrations,
            Supplier<String> databaseId) {
        this.region = region;
        this.role = role;
        this.agentVersion = agentVersion;
        this.migrations = migrations;
        this.databaseId = databaseId;
    }

    /** The Hello of the agent {@code agent} configures, its migrations as {@code migrations} reads them. */
    public static LocalHello of(AgentConfig agent, FlywayMigrations migrations, String agentVersion) {
        return of(agent, migrations::state, agentVersion);
    }

    /** The Hello of the agent {@code agent} configures, its migrations' state as {@code migrations} supplies it. */
    public static LocalHello of(AgentConfig agent, Supplier<MigrationState> migrations, String agentVersion) {
        return new LocalHello(
                agent.region(), agent.role().wire(), agentVersion, migrations, new DatabaseIdentity(agent.database()));
    }

    public String instanceId() {
        return instanceId;
    }

    /** Throws when the migrations cannot be read; the link then tries again later. */
    @Override
    public Hello get() {
        // The migrations first: while the database is down there is no point asking who it is.
        MigrationState state = migrations.get();
        return WireMessages.hello(region, role, agentVersion, instanceId, databaseId.get(), state);
    }
}
