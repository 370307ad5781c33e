package dev.muster.coordinator.grpc;

import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.MigrationApplied;
import dev.muster.proto.v1.ReleaseRequest;
import dev.muster.proto.v1.Role;
import java.util.List;
import java.util.UUID;

/** Wire messages an agent sends, built tersely for tests. */
final class AgentMessages {

    private AgentMessages() {}

    static Migration migration(String version) {
        return migration(version, version.hashCode());
    }

    static Migration migration(String version, int checksum) {
        return Migration.newBuilder()
                .setVersion(version)
                .setDescription("migration " + version)
                .setChecksum(checksum)
                .build();
    }

    /** A new agent process; a random instance id, as an agent makes one. */
    static String newInstance() {
        return UUID.randomUUID().toString();
    }

    /** The hello of a new agent process. */
    static AgentMessage hello(int region, Role role, List<String> applied, List<String> available) {
        return hello(newInstance(), region, role, applied, available);
    }

    /** The hello of agent process {@code instanceId}: a reconnect if that process is connected already. */
    static AgentMessage hello(String instanceId, int region, Role role, List<String> applied, List<String> available) {
        Hello.Builder hello = Hello.newBuilder()
                .setRegion(region)
                .setRole(role)
                .setAgentVersion("test-agent")
                .setInstanceId(instanceId);
        applied.forEach(version -> hello.addApplied(migration(version)));
        available.forEach(version -> hello.addAvailable(migration(version)));
        return AgentMessage.newBuilder().setHello(hello).build();
    }

    static AgentMessage hello(Hello hello) {
        return AgentMessage.newBuilder().setHello(hello).build();
    }

    /** A request for {@code versions}, with the checksums the default hello gives them. */
    static AgentMessage releaseRequest(long requestId, String... versions) {
        ReleaseRequest.Builder request = ReleaseRequest.newBuilder().setRequestId(requestId);
        for (String version : versions) {
            request.addPending(migration(version));
        }
        return AgentMessage.newBuilder().setReleaseRequest(request).build();
    }

    static AgentMessage applied(Migration migration) {
        return AgentMessage.newBuilder()
                .setMigrationApplied(MigrationApplied.newBuilder().setMigration(migration))
                .build();
    }
}
