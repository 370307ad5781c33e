package dev.muster.coordinator.fleet;

import static dev.muster.coordinator.fleet.Regions.fleet;
import static dev.muster.coordinator.fleet.Regions.global;
import static dev.muster.coordinator.fleet.Regions.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final List<Integer> MEMBERS = List.of(1, 2);

    @Test
    void theFirstAgentOfARegionIsAdmitted() {
        assertThat(Admission.refusal(fleet(MEMBERS), 1, Role.REMOTE)).isEmpty();
        assertThat(Admission.refusal(fleet(MEMBERS), 99, Role.GLOBAL)).isEmpty();
    }

    @Test
    void aSecondLiveAgentClaimingTheSameRegionIsRefused() {
        Fleet fleet = fleet(MEMBERS, remote(1));

        assertThat(Admission.refusal(fleet, 1, Role.REMOTE)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 1 is already served by a connected agent")
                .contains("10.0.0.1:50000")
                .contains(Regions.SINCE.toString())
                .contains("two agents claim region 1"));
    }

    @Test
    void aRegionIsAdmittedAgainOnceItsOldConnectionIsGone() {
        Fleet fleet = fleet(MEMBERS, remote(1).applied("1").disconnected());

        assertThat(Admission.refusal(fleet, 1, Role.REMOTE)).isEmpty();
    }

    @Test
    void aGlobalClaimingAMembersNumberIsRefused() {
        assertThat(Admission.refusal(fleet(MEMBERS), 2, Role.GLOBAL)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 2 is a member remote")
                .contains("'role'")
                .contains("'regions'"));
    }

    @Test
    void aGlobalClaimingTheNumberOfALiveRemoteIsRefusedAsAClaimedRegion() {
        Fleet fleet = fleet(MEMBERS, remote(5));

        assertThat(Admission.refusal(fleet, 5, Role.GLOBAL)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 5 is already served by a connected agent"));
    }

    @Test
    void aSecondGlobalIsRefused() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(Admission.refusal(fleet, 98, Role.GLOBAL)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 99 is already connected as the global")
                .contains("region 98 cannot be global too"));
    }

    @Test
    void aNewGlobalIsAdmittedOnceTheOldGlobalDisconnected() {
        Fleet fleet = fleet(MEMBERS, global(99).disconnected());

        assertThat(Admission.refusal(fleet, 99, Role.GLOBAL)).isEmpty();
        assertThat(Admission.refusal(fleet, 98, Role.GLOBAL)).isEmpty();
    }

    @Test
    void remotesJoinWhileAGlobalIsConnected() {
        Fleet fleet = fleet(MEMBERS, global(99), remote(1));

        assertThat(Admission.refusal(fleet, 2, Role.REMOTE)).isEmpty();
        assertThat(Admission.refusal(fleet, 7, Role.REMOTE)).as("a non-member remote").isEmpty();
    }
}
