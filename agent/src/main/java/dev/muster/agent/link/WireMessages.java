package dev.muster.agent.link;

import com.google.protobuf.Timestamp;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.CodeReport;
import dev.muster.proto.v1.CommandResult;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.MigrationApplied;
import dev.muster.proto.v1.MigrationFailed;
import dev.muster.proto.v1.ReleaseRequest;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The agent's messages in wire form. */
public final class WireMessages {

    private WireMessages() {}

    /** A session's first message; {@code databaseId} is empty when the server will not say which database it is. */
    public static Hello hello(
            int region, Role role, String agentVersion, String instanceId, String databaseId, MigrationState state) {
        Hello.Builder hello = Hello.newBuilder()
                .setRegion(region)
                .setRole(role)
                .setAgentVersion(agentVersion)
                .setInstanceId(instanceId)
                .setDatabaseId(databaseId);
        state.applied().forEach(migration -> hello.addApplied(migration(migration)));
        state.available().forEach(migration -> hello.addAvailable(migration(migration)));
        return hello.build();
    }

    /** {@code hello} as the daemon sends it: marked as the one that carries out an upgrade's commands. */
    public static Hello daemonHello(Hello hello) {
        return hello.toBuilder().setDaemon(true).build();
    }

    public static AgentMessage releaseRequest(long requestId, List<LocalMigration> pending) {
        ReleaseRequest.Builder request = ReleaseRequest.newBuilder().setRequestId(requestId);
        pending.forEach(migration -> request.addPending(migration(migration)));
        return AgentMessage.newBuilder().setReleaseRequest(request).build();
    }

    public static AgentMessage applied(LocalMigration migration) {
        return AgentMessage.newBuilder()
                .setMigrationApplied(MigrationApplied.newBuilder().setMigration(migration(migration)))
                .build();
    }

    /** Whether {@code hello} has applied the migration {@code report} says was applied. */
    public static boolean holds(Hello hello, AgentMessage report) {
        return report.hasMigrationApplied()
                && hello.getAppliedList().stream()
                        .anyMatch(applied -> applied.getVersion()
                                .equals(report.getMigrationApplied()
                                        .getMigration()
                                        .getVersion()));
    }

    public static AgentMessage failed(String version, String error) {
        return AgentMessage.newBuilder()
                .setMigrationFailed(
                        MigrationFailed.newBuilder().setVersion(version).setError(error))
                .build();
    }

    public static AgentMessage replicationReport(ReplicationReport report) {
        return AgentMessage.newBuilder().setReplicationReport(report).build();
    }

    /**
     * What a daemon read of its migration files at {@code readAt}: {@code available} when they
     * changed since the coordinator last heard, else only the time.
     */
    public static AgentMessage codeReport(Instant readAt, Optional<List<Migration>> available) {
        CodeReport.Builder report =
                CodeReport.newBuilder().setReadAt(timestamp(readAt)).setChanged(available.isPresent());
        available.ifPresent(report::addAllAvailable);
        return AgentMessage.newBuilder().setCodeReport(report).build();
    }

    /** Migrations as the wire has them, in the same order. */
    public static List<Migration> migrations(List<LocalMigration> migrations) {
        return migrations.stream().map(WireMessages::migration).toList();
    }

    /** What a daemon answers a Command with: how the command it ran exited, and what it printed. */
    public static AgentMessage commandResult(long commandId, int exitStatus, List<String> output) {
        return AgentMessage.newBuilder()
                .setCommandResult(CommandResult.newBuilder()
                        .setCommandId(commandId)
                        .setExitStatus(exitStatus)
                        .addAllOutput(output))
                .build();
    }

    static Migration migration(LocalMigration migration) {
        Migration.Builder wire =
                Migration.newBuilder().setVersion(migration.version()).setDescription(migration.description());
        migration.checksum().ifPresent(wire::setChecksum);
        migration.installedOn().ifPresent(instant -> wire.setInstalledOn(timestamp(instant)));
        migration.executionTime().ifPresent(took -> wire.setExecutionTime(duration(took)));
        migration.installedRank().ifPresent(wire::setInstalledRank);
        return wire.build();
    }

    public static com.google.protobuf.Duration duration(Duration duration) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(duration.getSeconds())
                .setNanos(duration.getNano())
                .build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
