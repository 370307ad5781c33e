package dev.muster.coordinator.grpc;

import com.google.protobuf.Timestamp;
import dev.muster.common.region.RegionNumber;
import dev.muster.coordinator.fleet.Blocker;
import dev.muster.coordinator.fleet.Migration;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.fleet.ReplicationHealth;
import dev.muster.coordinator.fleet.Role;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.Installation;
import dev.muster.coordinator.hub.ProtocolViolation;
import dev.muster.coordinator.steps.Step;
import dev.muster.coordinator.steps.StepResult;
import dev.muster.proto.v1.CodeReport;
import dev.muster.proto.v1.Command;
import dev.muster.proto.v1.CommandResult;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Go;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.MigrateTo;
import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.ReadCode;
import dev.muster.proto.v1.Reject;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.SetUpReplication;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import dev.muster.proto.v1.TeardownReplication;
import dev.muster.proto.v1.VerifyReplication;
import dev.muster.proto.v1.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** Translation between the wire messages and the fleet model; nothing else. */
final class ProtoMapping {

    private ProtoMapping() {}

    static AgentHello hello(Hello hello) {
        Role role = switch (hello.getRole()) {
            case REMOTE -> Role.REMOTE;
            case GLOBAL -> Role.GLOBAL;
            default ->
                throw new ProtocolViolation(
                        "hello from region " + hello.getRegion() + " has no role; it must say REMOTE or GLOBAL");
        };
        long region = Integer.toUnsignedLong(hello.getRegion());
        if (!RegionNumber.isValid(region)) {
            throw new ProtocolViolation("region " + region + " is not a region number (0 to " + RegionNumber.MAX + ")");
        }
        return new AgentHello(
                (int) region,
                role,
                hello.getAgentVersion(),
                hello.getInstanceId(),
                hello.getDatabaseId(),
                hello.getAppliedList().stream().map(ProtoMapping::migration).toList(),
                hello.getAvailableList().stream().map(ProtoMapping::migration).toList(),
                hello.getDaemon(),
                hello.getAppliedList().stream()
                        .collect(Collectors.toMap(
                                dev.muster.proto.v1.Migration::getVersion,
                                ProtoMapping::installation,
                                (first, same) -> first)));
    }

    static CoordinatorMessage command(long commandId, Step step) {
        Command.Builder command = Command.newBuilder().setCommandId(commandId);
        if (step instanceof Step.Teardown teardown) {
            command.setTeardown(TeardownReplication.newBuilder().setMode(teardown.mode()));
        } else if (step instanceof Step.Migrate migrate) {
            command.setMigrate(MigrateTo.newBuilder().setTargetVersion(migrate.targetVersion()));
        } else if (step instanceof Step.SetUp) {
            command.setSetup(SetUpReplication.getDefaultInstance());
        } else if (step instanceof Step.Verify) {
            command.setVerify(VerifyReplication.getDefaultInstance());
        } else if (step instanceof Step.ReadCode) {
            command.setReadCode(ReadCode.getDefaultInstance());
        }
        return CoordinatorMessage.newBuilder().setCommand(command).build();
    }

    /** The migrations a code report carries, when they changed; empty when only the time is news. */
    static Optional<List<Migration>> code(CodeReport report) {
        return report.getChanged()
                ? Optional.of(report.getAvailableList().stream()
                        .map(ProtoMapping::migration)
                        .toList())
                : Optional.empty();
    }

    /** When the agent read its files; when it does not say, {@code received}. */
    static Instant codeReadAt(CodeReport report, Instant received) {
        return report.hasReadAt() ? instant(report.getReadAt()) : received;
    }

    static StepResult result(CommandResult result) {
        return new StepResult(result.getExitStatus(), result.getOutputList());
    }

    static Migration migration(dev.muster.proto.v1.Migration migration) {
        if (migration.getVersion().isEmpty()) {
            throw new ProtocolViolation("a migration without a version was reported");
        }
        OptionalInt checksum = migration.hasChecksum() ? OptionalInt.of(migration.getChecksum()) : OptionalInt.empty();
        return new Migration(migration.getVersion(), migration.getDescription(), checksum);
    }

    static ReplicationHealth replication(ReplicationReport report) {
        return new ReplicationHealth(
                instant(report.getTakenAt()),
                report.getSubscriptionsList().stream()
                        .map(ProtoMapping::subscription)
                        .toList(),
                report.hasPublication() ? Optional.of(publication(report.getPublication())) : Optional.empty(),
                report.getSlotsList().stream().map(ProtoMapping::slot).toList(),
                nonEmpty(report.getUnavailable()));
    }

    private static ReplicationHealth.Subscription subscription(SubscriptionHealth subscription) {
        return new ReplicationHealth.Subscription(
                subscription.getName(),
                subscription.getRegion() == 0 ? OptionalInt.empty() : OptionalInt.of(subscription.getRegion()),
                subscription.getConfigured(),
                subscription.getExists(),
                subscription.getEnabled(),
                subscription.getWorkerRunning(),
                nonEmpty(subscription.getReceivedLsn()),
                nonEmpty(subscription.getLatestEndLsn()),
                subscription.hasLastMessage() ? Optional.of(instant(subscription.getLastMessage())) : Optional.empty(),
                subscription.hasApplyErrors() ? OptionalLong.of(subscription.getApplyErrors()) : OptionalLong.empty(),
                subscription.getTablesNotReady(),
                nonEmpty(subscription.getOutage()));
    }

    private static ReplicationHealth.Publication publication(PublicationHealth publication) {
        return new ReplicationHealth.Publication(
                publication.getName(),
                publication.getExists(),
                publication.getTables(),
                publication.getNotYetPublishedList(),
                publication.getPublishedButNotWantedList());
    }

    private static ReplicationHealth.Slot slot(SlotHealth slot) {
        return new ReplicationHealth.Slot(
                slot.getName(),
                slot.getActive(),
                slot.hasRetainedBytes() ? OptionalLong.of(slot.getRetainedBytes()) : OptionalLong.empty(),
                nonEmpty(slot.getWalStatus()),
                slot.hasSafeWalSize() ? OptionalLong.of(slot.getSafeWalSize()) : OptionalLong.empty(),
                slot.hasLagBytes() ? OptionalLong.of(slot.getLagBytes()) : OptionalLong.empty(),
                slot.hasLag() ? Optional.of(duration(slot.getLag())) : Optional.empty());
    }

    /** Where an applied migration is in its Flyway history and how long it ran, as far as its agent says. */
    static Installation installation(dev.muster.proto.v1.Migration migration) {
        return new Installation(
                migration.hasInstalledRank() ? OptionalInt.of(migration.getInstalledRank()) : OptionalInt.empty(),
                migration.hasExecutionTime() ? Optional.of(duration(migration.getExecutionTime())) : Optional.empty());
    }

    private static Duration duration(com.google.protobuf.Duration duration) {
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static Optional<String> nonEmpty(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
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
        } else if (release instanceof Release.Hold hold) {
            message.setWait(Wait.newBuilder()
                    .setVersion(hold.version())
                    .setRequestId(requestId)
                    .setHeld(hold.reason()));
        } else if (release instanceof Release.Reject reject) {
            message.setReject(reject(reject.reason()).toBuilder().setRequestId(requestId));
        }
        return message.build();
    }

    static Reject reject(String reason) {
        return Reject.newBuilder().setReason(reason).build();
    }
}
