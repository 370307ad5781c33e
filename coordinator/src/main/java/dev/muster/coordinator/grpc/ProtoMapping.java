package dev.muster.coordinator.grpc;

import dev.muster.common.region.RegionNumber;
import dev.muster.coordinator.fleet.Blocker;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.ProtocolViolation;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Go;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Reject;
import dev.muster.proto.v1.Wait;
import java.util.OptionalInt;

/** Translation between the wire messages and the fleet model; nothing else. */
final class ProtoMapping {

    private ProtoMapping() {
    }

    static AgentHello hello(Hello hello) {
        Role role = switch (hello.getRole()) {
            case REMOTE -> Role.REMOTE;
            case GLOBAL -> Role.GLOBAL;
            default -> throw new ProtocolViolation("hello from region " + hello.getRegion()
                    + " has no role; it must say REMOTE or GLOBAL");
        };
        long region = Integer.toUnsignedLong(hello.getRegion());
        if (!RegionNumber.isValid(region)) {
            throw new ProtocolViolation("region " + region + " is not a region number (0 to " + RegionNumber.MAX + ")");
        }
        return new AgentHello((int) region, role, hello.getAgentVersion(), hello.getInstanceId(),
                hello.getAppliedList().stream().map(ProtoMapping::migration).toList(),
                hello.getAvailableList().stream().map(ProtoMapping::migration).toList());
    }

    static Migration migration(dev.muster.proto.v1.Migration migration) {
        if (migration.getVersion().isEmpty()) {
            throw new ProtocolViolation("a migration without a version was reported");
        }
        OptionalInt checksum = migration.hasChecksum() ? OptionalInt.of(migration.getChecksum()) : OptionalInt.empty();
        return new Migration(migration.getVersion(), migration.getDescription(), checksum);
    }

    static CoordinatorMessage release(long requestId, Release release) {
        CoordinatorMessage.Builder message = CoordinatorMessage.newBuilder();
        if (release instanceof Release.Go go) {
            message.setGo(Go.newBuilder().setUpToVersion(go.upToVersion()).setRequestId(requestId));
        } else if (release instanceof Release.Wait wait) {
            Wait.Builder builder = Wait.newBuilder().setVersion(wait.version()).setRequestId(requestId);
            for (Blocker blocker : wait.blockers()) {
                builder.addWaitingOn(dev.muster.proto.v1.Blocker.newBuilder()
                        .setRegion(blocker.region())
                        .setReason(blocker.reason()));
            }
            message.setWait(builder);
        } else if (release instanceof Release.Reject reject) {
            message.setReject(reject(reject.reason()).toBuilder().setRequestId(requestId));
        }
        return message.build();
    }

    static Reject reject(String reason) {
        return Reject.newBuilder().setReason(reason).build();
    }
}
