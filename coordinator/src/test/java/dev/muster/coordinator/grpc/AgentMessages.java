package dev.muster.coordinator.grpc;

import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.MigrationApplied;
import dev.muster.proto.v1.ReleaseRequest;
import dev.muster.proto.v1.Role;
import java.util.List;

/** Wire messages an agent sends, built tersely for tests. */
final class AgentMessages {

    private AgentMessages() {
    }

    static Migration migration(String version) {
        return migration(version, version.hashCode());
    }

    static Migration migration(String version, int checksum) {
        return Migration.newBuilder().setVersion(version).setDescription("migration " + version).setChecksum(checksum).build();
    }

    static AgentMessage hello(int region, Role role, List<String> applied, List<String> available) {
        Hello.Builder hello = Hello.newBuilder().setRegion(region).setRole(role).setAgentVersion("test-agent");
        applied.forEach(version -> hello.addApplied(migration(version)));
        available.forEach(version -> hello.addAvailable(migration(version)));
        return AgentMessage.newBuilder().setHello(hello).build();
    }

    static AgentMessage hello(Hello hello) {
        return AgentMessage.newBuilder().setHello(hello).build();
    }

    static AgentMessage releaseRequest(String... versions) {
        return AgentMessage.newBuilder()
                .setReleaseRequest(ReleaseRequest.newBuilder().addAllVersions(List.of(versions)))
                .build();
    }

    static AgentMessage applied(Migration migration) {
        return AgentMessage.newBuilder().setMigrationApplied(MigrationApplied.newBuilder().setMigration(migration)).build();
    }
}
