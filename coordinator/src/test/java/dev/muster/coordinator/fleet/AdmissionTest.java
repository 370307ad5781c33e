package dev.muster.coordinator.fleet;

import static dev.muster.coordinator.fleet.Regions.fleet;
import static dev.muster.coordinator.fleet.Regions.global;
import static dev.muster.coordinator.fleet.Regions.instanceOf;
import static dev.muster.coordinator.fleet.Regions.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final List<Integer> MEMBERS = List.of(1, 2);
    /** An agent process that no region of the fleet is connected from. */
    private static final String NEW_AGENT = "a-new-agent-process";

    @Test
    void theFirstAgentOfARegionIsAdmitted() {
        assertThat(Admission.refusal(fleet(MEMBERS), 1, Role.REMOTE, NEW_AGENT)).isEmpty();
        assertThat(Admission.refusal(fleet(MEMBERS), 99, Role.GLOBAL, NEW_AGENT)).isEmpty();
    }

    @Test
    void aSecondLiveAgentClaimingTheSameRegionIsRefused() {
        Fleet fleet = fleet(MEMBERS, remote(1));

        assertThat(Admission.refusal(fleet, 1, Role.REMOTE, NEW_AGENT)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 1 is already served by a connected agent")
                .contains("10.0.0.1:50000")
                .contains(Regions.SINCE.toString())
                .contains("two agents claim region 1"));
    }

    @Test
    void theSameAgentReconnectingWhileItsOldSessionStillLooksLiveIsAdmitted() {
        Fleet fleet = fleet(MEMBERS, remote(1));

        assertThat(Admission.refusal(fleet, 1, Role.REMOTE, instanceOf(1))).isEmpty();
    }

    @Test
    void agentsThatDoNotSayTheirInstanceAreNeverTakenForAReconnect() {
        Fleet fleet = fleet(MEMBERS, remote(1).instance(""));

        assertThat(Admission.refusal(fleet, 1, Role.REMOTE, "")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("two agents claim region 1"));
    }

    @Test
    void theSameAgentReconnectingIsStillHeldToItsRole() {
        Fleet fleet = fleet(MEMBERS, remote(2));

        assertThat(Admission.refusal(fleet, 2, Role.GLOBAL, instanceOf(2))).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 2 is a member remote"));
    }

    @Test
    void aRegionIsAdmittedAgainOnceItsOldConnectionIsGone() {
        Fleet fleet = fleet(MEMBERS, remote(1).applied("1").disconnected());

        assertThat(Admission.refusal(fleet, 1, Role.REMOTE, NEW_AGENT)).isEmpty();
    }

    @Test
    void aGlobalClaimingAMembersNumberIsRefused() {
        assertThat(Admission.refusal(fleet(MEMBERS), 2, Role.GLOBAL, NEW_AGENT)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 2 is a member remote")
                .contains("'role'")
                .contains("'regions'"));
    }

    @Test
    void aGlobalClaimingTheNumberOfALiveRemoteIsRefusedAsAClaimedRegion() {
        Fleet fleet = fleet(MEMBERS, remote(5));

        assertThat(Admission.refusal(fleet, 5, Role.GLOBAL, NEW_AGENT)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 5 is already served by a connected agent"));
    }

    @Test
    void aSecondGlobalIsRefused() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(Admission.refusal(fleet, 98, Role.GLOBAL, NEW_AGENT)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 99 is already connected as the global")
                .contains("region 98 cannot be global too"));
    }

    @Test
    void aSecondGlobalIsRefusedEvenFromTheGlobalsOwnInstance() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(Admission.refusal(fleet, 98, Role.GLOBAL, instanceOf(99))).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 99 is already connected as the global"));
    }

    @Test
    void theGlobalReconnectingWhileItsOldSessionStillLooksLiveIsAdmitted() {
        Fleet fleet = fleet(MEMBERS, global(99), remote(1));

        assertThat(Admission.refusal(fleet, 99, Role.GLOBAL, instanceOf(99))).isEmpty();
    }

    @Test
    void anotherAgentClaimingTheLiveGlobalsRegionIsRefusedAsAClaimedRegion() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(Admission.refusal(fleet, 99, Role.GLOBAL, NEW_AGENT)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("region 99 is already served by a connected agent"));
    }

    @Test
    void aNewGlobalIsAdmittedOnceTheOldGlobalDisconnected() {
        Fleet fleet = fleet(MEMBERS, global(99).disconnected());

        assertThat(Admission.refusal(fleet, 99, Role.GLOBAL, NEW_AGENT)).isEmpty();
        assertThat(Admission.refusal(fleet, 98, Role.GLOBAL, NEW_AGENT)).isEmpty();
    }

    @Test
    void remotesJoinWhileAGlobalIsConnected() {
        Fleet fleet = fleet(MEMBERS, global(99), remote(1));

        assertThat(Admission.refusal(fleet, 2, Role.REMOTE, NEW_AGENT)).isEmpty();
        assertThat(Admission.refusal(fleet, 7, Role.REMOTE, NEW_AGENT)).as("a non-member remote").isEmpty();
    }
}
