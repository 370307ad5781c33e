package dev.muster.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.coordinator.fleet.Blocker;
import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.hub.AgentHello;
import dev.muster.coordinator.hub.Installation;
import dev.muster.coordinator.hub.ProtocolViolation;
import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.Migration;
import dev.muster.proto.v1.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProtoMappingTest {

    @Test
    void aHelloKeepsRoleAndMigrationsInOrder() {
        AgentHello hello = ProtoMapping.hello(Hello.newBuilder()
                .setRegion(99)
                .setRole(Role.GLOBAL)
                .setAgentVersion("1.0")
                .setInstanceId("4f1c")
                .addApplied(AgentMessages.migration("1", 10))
                .addAvailable(AgentMessages.migration("1", 10))
                .addAvailable(Migration.newBuilder().setVersion("2").setDescription("java"))
                .build());

        assertThat(hello.region()).isEqualTo(99);
        assertThat(hello.role()).isEqualTo(dev.muster.coordinator.fleet.Role.GLOBAL);
        assertThat(hello.agentVersion()).isEqualTo("1.0");
        assertThat(hello.instanceId()).isEqualTo("4f1c");
        assertThat(hello.applied()).containsExactly(dev.muster.coordinator.fleet.Migration.of("1", "migration 1", 10));
        assertThat(hello.available()).extracting(m -> m.version()).containsExactly("1", "2");
        assertThat(hello.available().get(1).checksum()).isEqualTo(OptionalInt.empty());
    }

    @Test
    void anAppliedMigrationsPlaceInTheHistoryAndRunTimeAreKeptWhenSaid() {
        AgentHello hello = ProtoMapping.hello(Hello.newBuilder()
                .setRegion(1)
                .setRole(Role.REMOTE)
                .addApplied(AgentMessages.migration("1", 10).toBuilder()
                        .setInstalledRank(4)
                        .setExecutionTime(com.google.protobuf.Duration.newBuilder()
                                .setSeconds(1)
                                .setNanos(500_000_000)))
                .addApplied(AgentMessages.migration("2", 20))
                .build());

        assertThat(hello.installation("1"))
                .isEqualTo(new Installation(OptionalInt.of(4), Optional.of(Duration.ofMillis(1500))));
        assertThat(hello.installation("2")).as("an older agent's").isEqualTo(Installation.UNKNOWN);
        assertThat(hello.newestRank())
                .as("unknown while one applied migration's place is")
                .isEmpty();
        assertThat(ProtoMapping.installation(AgentMessages.migration("3", 30).toBuilder()
                                .setInstalledRank(0)
                                .build())
                        .rank())
                .as("0 is a place, not absence")
                .hasValue(0);
    }

    @Test
    void aHelloFromAnAgentThatDoesNotSayItsInstanceHasAnEmptyInstanceId() {
        AgentHello hello = ProtoMapping.hello(
                Hello.newBuilder().setRegion(1).setRole(Role.REMOTE).build());

        assertThat(hello.instanceId()).isEmpty();
    }

    @Test
    void aHelloWithoutARoleIsAProtocolViolation() {
        assertThatThrownBy(
                        () -> ProtoMapping.hello(Hello.newBuilder().setRegion(3).build()))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("hello from region 3 has no role");
    }

    @Test
    void aMigrationWithoutAVersionIsAProtocolViolation() {
        assertThatThrownBy(() -> ProtoMapping.migration(
                        Migration.newBuilder().setDescription("x").build()))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("without a version");
    }

    @Test
    void releasesBecomeTheirWireMessagesWithTheRequestIdTheyAnswer() {
        CoordinatorMessage go = ProtoMapping.release(11, new Release.Go("7"));
        CoordinatorMessage wait =
                ProtoMapping.release(12, new Release.Wait("7", List.of(new Blocker(1, "one"), new Blocker(2, "two"))));
        CoordinatorMessage reject = ProtoMapping.release(13, new Release.Reject("no"));

        assertThat(go.getGo().getUpToVersion()).isEqualTo("7");
        assertThat(go.getGo().getRequestId()).isEqualTo(11);
        assertThat(wait.getWait().getVersion()).isEqualTo("7");
        assertThat(wait.getWait().getWaitingOnList())
                .extracting(b -> b.getRegion() + ":" + b.getReason())
                .containsExactly("1:one", "2:two");
        assertThat(wait.getWait().getRequestId()).isEqualTo(12);
        assertThat(reject.getReject().getReason()).isEqualTo("no");
        assertThat(reject.getReject().getRequestId()).isEqualTo(13);
    }

    @Test
    void aRequestIdBeyondTheSignedRangeIsEchoedBitForBit() {
        long largest = -1L; // uint64 2^64 - 1 as Java holds it

        assertThat(ProtoMapping.release(largest, new Release.Go("7")).getGo().getRequestId())
                .isEqualTo(largest);
    }

    @Test
    void aRefusalAnswersNoRequest() {
        assertThat(ProtoMapping.reject("no").getRequestId()).isZero();
    }

    @Test
    void theCallerIsUnknownOutsideACall() {
        assertThat(CallerInterceptor.current().peer()).isEqualTo("unknown");
        assertThat(CallerInterceptor.current().identity()).isEmpty();
    }
}
