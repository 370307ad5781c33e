package dev.muster.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.muster.agent.migrate.LocalMigration;
import dev.muster.agent.migrate.MigrationState;
import dev.muster.agent.replication.PublicationPlan;
import dev.muster.agent.replication.RemoteStatus;
import dev.muster.agent.replication.SlotStatus;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.agent.replication.TableName;
import dev.muster.proto.v1.AgentMessage;
import dev.muster.proto.v1.Hello;
import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.Role;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReplicationReportsTest {

    private static final Instant TAKEN_AT = Instant.parse("2024-05-01T12:00:00.250Z");
    private static final Timestamp TAKEN_AT_WIRE = Timestamp.newBuilder()
            .setSeconds(TAKEN_AT.getEpochSecond())
            .setNanos(250_000_000)
            .build();
    private static final TableName USERS = new TableName("public", "users");
    private static final TableName VMS = new TableName("public", "vms");
    private static final TableName THINGS = new TableName("app", "things");
    private static final TableName OLD = new TableName("public", "old_things");

    @Test
    void aSubscriptionWithAWorkerCarriesItsPositionsErrorsAndTablesNotReady() {
        Instant lastMessage = Instant.parse("2024-05-01T11:59:58.5Z");
        SubscriptionStatus status = new SubscriptionStatus(
                "region_1_subscription",
                OptionalInt.of(1),
                true,
                true,
                true,
                OptionalInt.of(4242),
                Optional.of("0/3000060"),
                Optional.of("0/3000028"),
                Optional.of(lastMessage),
                OptionalLong.of(3),
                2);

        ReplicationReport report = ReplicationReports.global(List.of(status), TAKEN_AT);

        assertThat(report.getTakenAt()).isEqualTo(TAKEN_AT_WIRE);
        assertThat(report.getSubscriptionsList())
                .containsExactly(SubscriptionHealth.newBuilder()
                        .setName("region_1_subscription")
                        .setRegion(1)
                        .setConfigured(true)
                        .setExists(true)
                        .setEnabled(true)
                        .setWorkerRunning(true)
                        .setReceivedLsn("0/3000060")
                        .setLatestEndLsn("0/3000028")
                        .setLastMessage(Timestamp.newBuilder()
                                .setSeconds(lastMessage.getEpochSecond())
                                .setNanos(500_000_000))
                        .setApplyErrors(3)
                        .setTablesNotReady(2)
                        .build());
        assertThat(report.hasPublication()).isFalse();
        assertThat(report.getSlotsList()).isEmpty();
        assertThat(report.getUnavailable()).isEmpty();
    }

    @Test
    void whatTheServerDoesNotSayStaysUnsetOnTheWire() {
        SubscriptionStatus disabled = new SubscriptionStatus(
                "region_2_subscription",
                OptionalInt.of(2),
                true,
                true,
                false,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                0);
        SubscriptionStatus foreign = new SubscriptionStatus(
                "my_subscription",
                OptionalInt.empty(),
                false,
                true,
                true,
                OptionalInt.of(7),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(0),
                0);

        List<SubscriptionHealth> wire =
                ReplicationReports.global(List.of(disabled, foreign), TAKEN_AT).getSubscriptionsList();

        assertThat(wire)
                .extracting(SubscriptionHealth::getName)
                .containsExactly("region_2_subscription", "my_subscription");
        SubscriptionHealth first = wire.get(0);
        assertThat(first.getEnabled()).isFalse();
        assertThat(first.getWorkerRunning()).isFalse();
        assertThat(first.getReceivedLsn()).isEmpty();
        assertThat(first.getLatestEndLsn()).isEmpty();
        assertThat(first.hasLastMessage()).isFalse();
        assertThat(first.hasApplyErrors()).as("before PostgreSQL 15").isFalse();
        SubscriptionHealth second = wire.get(1);
        assertThat(second.getRegion()).as("a name that names no region").isZero();
        assertThat(second.getConfigured()).isFalse();
        assertThat(second.hasApplyErrors()).as("zero errors is not no count").isTrue();
        assertThat(second.getApplyErrors()).isZero();
    }

    @Test
    void aSubscriptionThatIsDownCarriesWhyAndOnlyThatOne() {
        SubscriptionStatus disabled = new SubscriptionStatus(
                "region_1_subscription",
                OptionalInt.of(1),
                true,
                true,
                false,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(1),
                0);
        SubscriptionStatus running = new SubscriptionStatus(
                "region_2_subscription",
                OptionalInt.of(2),
                true,
                true,
                true,
                OptionalInt.of(7),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(0),
                0);

        List<SubscriptionHealth> wire = ReplicationReports.global(
                        List.of(disabled, running),
                        Map.of("region_1_subscription", "region 1 publishes columns public.vms.retires_on"),
                        TAKEN_AT)
                .getSubscriptionsList();

        assertThat(wire)
                .extracting(SubscriptionHealth::getOutage)
                .containsExactly("region 1 publishes columns public.vms.retires_on", "");
    }

    @Test
    void aConfiguredSubscriptionTheDatabaseLacksIsReportedAsAbsent() {
        SubscriptionStatus absent = new SubscriptionStatus(
                "region_3_subscription",
                OptionalInt.of(3),
                true,
                false,
                false,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                0);

        SubscriptionHealth wire =
                ReplicationReports.global(List.of(absent), TAKEN_AT).getSubscriptions(0);

        assertThat(wire.getConfigured()).isTrue();
        assertThat(wire.getExists()).isFalse();
        assertThat(wire.getRegion()).isEqualTo(3);
    }

    @Test
    void aGlobalWithoutSubscriptionsReportsNone() {
        ReplicationReport report = ReplicationReports.global(List.of(), TAKEN_AT);

        assertThat(report.getSubscriptionsList()).isEmpty();
        assertThat(report.getUnavailable()).isEmpty();
        assertThat(report.getTakenAt()).isEqualTo(TAKEN_AT_WIRE);
    }

    @Test
    void aRemoteReportsItsPublicationAsComparedWithTheApplicationTables() {
        PublicationPlan plan = new PublicationPlan(
                "miq", true, new TreeSet<>(List.of(USERS, VMS, THINGS)), new TreeSet<>(List.of(USERS, OLD)), false);
        SlotStatus slot = new SlotStatus(
                "region_1_subscription",
                "logical",
                Optional.of("vmdb_production"),
                true,
                OptionalLong.of(16_777_216),
                Optional.of("reserved"),
                OptionalLong.of(1_073_741_824),
                OptionalLong.of(8_192),
                Optional.of(Duration.ofMillis(1_500)));

        ReplicationReport report = ReplicationReports.remote(new RemoteStatus(plan, List.of(slot)), TAKEN_AT);

        assertThat(report.getTakenAt()).isEqualTo(TAKEN_AT_WIRE);
        assertThat(report.getPublication())
                .isEqualTo(PublicationHealth.newBuilder()
                        .setName("miq")
                        .setExists(true)
                        .setTables(2)
                        .addAllNotYetPublished(List.of("app.things", "public.vms"))
                        .addAllPublishedButNotWanted(List.of("public.old_things"))
                        .build());
        assertThat(report.getSlotsList())
                .containsExactly(SlotHealth.newBuilder()
                        .setName("region_1_subscription")
                        .setActive(true)
                        .setRetainedBytes(16_777_216)
                        .setWalStatus("reserved")
                        .setSafeWalSize(1_073_741_824)
                        .setLagBytes(8_192)
                        .setLag(com.google.protobuf.Duration.newBuilder()
                                .setSeconds(1)
                                .setNanos(500_000_000))
                        .build());
        assertThat(report.getSubscriptionsList()).isEmpty();
        assertThat(report.getUnavailable()).isEmpty();
    }

    @Test
    void aSlotWithUnlimitedWalOrAnOldServerLeavesItsSizesUnset() {
        PublicationPlan missing =
                new PublicationPlan("miq", false, new TreeSet<>(List.of(USERS)), new TreeSet<>(), false);
        SlotStatus unlimited = new SlotStatus(
                "region_1_subscription",
                "logical",
                Optional.of("vmdb_production"),
                false,
                OptionalLong.of(0),
                Optional.of("extended"),
                OptionalLong.empty(),
                OptionalLong.of(0),
                Optional.empty());
        SlotStatus old = new SlotStatus(
                "standby",
                "physical",
                Optional.empty(),
                true,
                OptionalLong.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                Optional.empty());

        ReplicationReport report =
                ReplicationReports.remote(new RemoteStatus(missing, List.of(unlimited, old)), TAKEN_AT);

        assertThat(report.getPublication().getExists()).isFalse();
        assertThat(report.getPublication().getTables()).isZero();
        assertThat(report.getPublication().getNotYetPublishedList()).containsExactly("public.users");
        SlotHealth first = report.getSlots(0);
        assertThat(first.getActive()).isFalse();
        assertThat(first.hasRetainedBytes()).isTrue();
        assertThat(first.getRetainedBytes()).isZero();
        assertThat(first.hasSafeWalSize())
                .as("max_slot_wal_keep_size unlimited")
                .isFalse();
        assertThat(first.hasLag()).as("nobody streams from it").isFalse();
        SlotHealth second = report.getSlots(1);
        assertThat(second.getName()).isEqualTo("standby");
        assertThat(second.hasRetainedBytes()).isFalse();
        assertThat(second.getWalStatus()).as("before PostgreSQL 13").isEmpty();
        assertThat(second.hasLagBytes()).as("a physical slot").isFalse();
    }

    @Test
    void anUnreadableServerGivesAReportThatSaysWhyAndNothingElse() {
        ReplicationReport report = ReplicationReports.unavailable(
                "cannot connect to this region's database jdbc:postgresql://127.0.0.1:5432/vmdb as root: refused",
                TAKEN_AT);

        assertThat(report)
                .isEqualTo(ReplicationReport.newBuilder()
                        .setTakenAt(TAKEN_AT_WIRE)
                        .setUnavailable(
                                "cannot connect to this region's database jdbc:postgresql://127.0.0.1:5432/vmdb as root: refused")
                        .build());
    }

    @Test
    void aReportTravelsAsItsOwnKindOfMessage() {
        ReplicationReport report = ReplicationReports.global(List.of(), TAKEN_AT);

        AgentMessage message = WireMessages.replicationReport(report);

        assertThat(message.getKindCase()).isEqualTo(AgentMessage.KindCase.REPLICATION_REPORT);
        assertThat(message.getReplicationReport()).isEqualTo(report);
    }

    @Test
    void theHelloCarriesTheDatabaseIdOrNothing() {
        MigrationState state = new MigrationState(
                List.of(new LocalMigration("1", "first", OptionalInt.of(7), Optional.of(TAKEN_AT))),
                List.of(),
                List.of());

        Hello hello =
                WireMessages.hello(1, Role.REMOTE, "0.1.0", "instance-1", "7312345678901234567/vmdb_production", state);

        assertThat(hello.getDatabaseId()).isEqualTo("7312345678901234567/vmdb_production");
        assertThat(hello.getInstanceId()).isEqualTo("instance-1");
        assertThat(hello.getApplied(0).getInstalledOn()).isEqualTo(TAKEN_AT_WIRE);
        assertThat(WireMessages.hello(1, Role.REMOTE, "0.1.0", "instance-1", "", state)
                        .getDatabaseId())
                .isEmpty();
    }

    @Test
    void aLocalHelloReadsTheMigrationsForEverySessionAndKeepsItsInstanceId() {
        List<MigrationState> states = new ArrayList<>(List.of(
                new MigrationState(List.of(), List.of(), List.of()),
                new MigrationState(
                        List.of(new LocalMigration("1", "first", OptionalInt.of(7), Optional.of(TAKEN_AT))),
                        List.of(),
                        List.of())));
        LocalHello local = new LocalHello(99, Role.GLOBAL, "0.1.0", () -> states.remove(0), () -> "42/vmdb");

        Hello first = local.get();
        Hello second = local.get();

        assertThat(first.getAppliedList()).isEmpty();
        assertThat(second.getAppliedList()).hasSize(1);
        assertThat(first.getInstanceId())
                .isEqualTo(second.getInstanceId())
                .isEqualTo(local.instanceId())
                .isNotBlank();
        assertThat(new LocalHello(99, Role.GLOBAL, "0.1.0", () -> states.get(0), () -> "").instanceId())
                .as("another process")
                .isNotEqualTo(local.instanceId());
        assertThat(second.getDatabaseId()).isEqualTo("42/vmdb");
        assertThat(second.getRegion()).isEqualTo(99);
        assertThat(second.getRole()).isEqualTo(Role.GLOBAL);
    }
}
