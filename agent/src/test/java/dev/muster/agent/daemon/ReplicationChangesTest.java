package dev.muster.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.agent.daemon.ReplicationChanges.Change;
import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationChangesTest {

    private final ReplicationChanges changes = new ReplicationChanges();

    private static SubscriptionHealth.Builder replicating(int region) {
        return SubscriptionHealth.newBuilder()
                .setName("region_" + region + "_subscription")
                .setRegion(region)
                .setConfigured(true)
                .setExists(true)
                .setEnabled(true)
                .setWorkerRunning(true)
                .setReceivedLsn("0/3000060")
                .setLatestEndLsn("0/3000060")
                .setApplyErrors(0);
    }

    private static ReplicationReport global(SubscriptionHealth.Builder... subscriptions) {
        ReplicationReport.Builder report = ReplicationReport.newBuilder();
        for (SubscriptionHealth.Builder subscription : subscriptions) {
            report.addSubscriptions(subscription);
        }
        return report.build();
    }

    private static PublicationHealth.Builder inStep(int tables) {
        return PublicationHealth.newBuilder().setName("miq").setExists(true).setTables(tables);
    }

    private static SlotHealth.Builder slot(boolean active, String walStatus, long retained) {
        return SlotHealth.newBuilder()
                .setName("region_1_subscription")
                .setActive(active)
                .setWalStatus(walStatus)
                .setRetainedBytes(retained);
    }

    private static ReplicationReport remote(PublicationHealth.Builder publication, SlotHealth.Builder... slots) {
        ReplicationReport.Builder report = ReplicationReport.newBuilder().setPublication(publication);
        for (SlotHealth.Builder slot : slots) {
            report.addSlots(slot);
        }
        return report.build();
    }

    private static ReplicationReport unavailable(String error) {
        return ReplicationReport.newBuilder().setUnavailable(error).build();
    }

    @Test
    void theFirstReportIsToldOnceAndAnUnchangedOneNotAgain() {
        assertThat(changes.next(global(replicating(1), replicating(2))))
                .contains(new Change(
                        "Replication: subscription region_1_subscription is enabled and replicating; "
                                + "subscription region_2_subscription is enabled and replicating",
                        false));

        assertThat(changes.next(global(
                        replicating(1).setReceivedLsn("0/4000000").setApplyErrors(0),
                        replicating(2).setLatestEndLsn("0/5000000"))))
                .as("positions move on every report")
                .isEmpty();
    }

    @Test
    void aSubscriptionThatIsDisabledIsAWarningAndItsReturnIsNews() {
        changes.next(global(replicating(1), replicating(2)));

        assertThat(changes.next(
                        global(replicating(1), replicating(2).setEnabled(false).setWorkerRunning(false))))
                .contains(new Change(
                        "Replication: subscription region_2_subscription is disabled "
                                + "(was: is enabled and replicating)",
                        true));
        assertThat(changes.next(
                        global(replicating(1), replicating(2).setEnabled(false).setWorkerRunning(false))))
                .isEmpty();
        assertThat(changes.next(global(replicating(1), replicating(2))))
                .contains(new Change(
                        "Replication: subscription region_2_subscription is enabled and replicating (was: is disabled)",
                        false));
    }

    @Test
    void aStoppedWorkerAnAbsentSubscriptionAndAnUnconfiguredOneAreTold() {
        changes.next(global(replicating(1)));

        Optional<Change> change = changes.next(global(
                replicating(1).setWorkerRunning(false),
                replicating(2).setExists(false).setEnabled(false).setWorkerRunning(false),
                SubscriptionHealth.newBuilder()
                        .setName("mine")
                        .setExists(true)
                        .setEnabled(true)
                        .setWorkerRunning(true)
                        .setTablesNotReady(3)));

        assertThat(change)
                .contains(new Change(
                        "Replication: subscription mine is enabled, copying tables "
                                + "(not in replication.subscriptions); "
                                + "subscription region_1_subscription is enabled, but its apply worker is not running "
                                + "(was: is enabled and replicating); "
                                + "subscription region_2_subscription does not exist",
                        true));
    }

    @Test
    void aSlotThatStopsOrWhoseWalIsAtRiskIsAWarning() {
        changes.next(remote(inStep(3), slot(true, "reserved", 0)));

        assertThat(changes.next(remote(inStep(3), slot(true, "reserved", 1 << 20))))
                .as("bytes move")
                .isEmpty();
        assertThat(changes.next(remote(inStep(3), slot(false, "reserved", 1 << 24))))
                .contains(new Change(
                        "Replication: slot region_1_subscription is inactive, WAL reserved (was: is active, WAL reserved)",
                        true));
        assertThat(changes.next(remote(inStep(3), slot(true, "unreserved", 1 << 30))))
                .contains(new Change(
                        "Replication: slot region_1_subscription is active, WAL unreserved (was: is inactive, WAL reserved)",
                        true));
        assertThat(changes.next(remote(inStep(3))))
                .contains(new Change("Replication: slot region_1_subscription is gone", false));
    }

    @Test
    void aPublicationOutOfStepIsAWarningAndNewTablesInStepAreNews() {
        changes.next(remote(inStep(3)));

        assertThat(changes.next(remote(inStep(3).addNotYetPublished("public.vms"))))
                .contains(new Change(
                        "Replication: publication miq is out of step with the application tables, "
                                + "not yet published: [public.vms] (was: is in step with the application tables, 3 tables)",
                        true));
        assertThat(changes.next(remote(inStep(4))))
                .contains(new Change(
                        "Replication: publication miq is in step with the application tables, 4 tables (was: is out of step "
                                + "with the application tables, not yet published: [public.vms])",
                        false));
        assertThat(changes.next(remote(inStep(4).setExists(false).setTables(0))))
                .contains(new Change(
                        "Replication: publication miq does not exist (was: is in step with the application tables, 4 tables)",
                        true));
    }

    @Test
    void anUnreadableDatabaseIsToldOnceAndOnReturnOnlyWhatChangedMeanwhile() {
        changes.next(global(replicating(1), replicating(2)));

        assertThat(changes.next(unavailable("cannot connect: refused")))
                .contains(new Change("Replication: database cannot be read: cannot connect: refused", true));
        assertThat(changes.next(unavailable("cannot connect: refused"))).isEmpty();
        assertThat(changes.next(
                        global(replicating(1), replicating(2).setEnabled(false).setWorkerRunning(false))))
                .contains(new Change(
                        "Replication: subscription region_2_subscription is disabled "
                                + "(was: is enabled and replicating); database can be read again",
                        true));
    }

    @Test
    void anUnreadableDatabaseAtStartIsAWarningToo() {
        assertThat(changes.next(unavailable("cannot connect: refused")))
                .contains(new Change("Replication: database cannot be read: cannot connect: refused", true));
        assertThat(changes.next(global())).contains(new Change("Replication: database can be read again", false));
        assertThat(changes.next(global())).isEmpty();
    }
}
