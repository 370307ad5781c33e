package dev.muster.coordinator.fleet;

import static dev.muster.coordinator.fleet.Regions.databaseOf;
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
    /** A database that no region of the fleet is connected from. */
    private static final String NEW_DATABASE = "a-new-database";

    private static java.util.Optional<String> refusal(Fleet fleet, int region, Role role, String instanceId) {
        return refusal(fleet, region, role, instanceId, NEW_DATABASE);
    }

    private static java.util.Optional<String> refusal(
            Fleet fleet, int region, Role role, String instanceId, String databaseId) {
        return Admission.refusal(fleet, new Admission.Claim(region, role, instanceId, databaseId));
    }

    @Test
    void theFirstAgentOfARegionIsAdmitted() {
        assertThat(refusal(fleet(MEMBERS), 1, Role.REMOTE, NEW_AGENT)).isEmpty();
        assertThat(refusal(fleet(MEMBERS), 99, Role.GLOBAL, NEW_AGENT)).isEmpty();
    }

    @Test
    void aSecondLiveAgentClaimingTheSameRegionIsRefused() {
        Fleet fleet = fleet(MEMBERS, remote(1));

        assertThat(refusal(fleet, 1, Role.REMOTE, NEW_AGENT))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("region 1 is already served by a connected agent")
                        .contains("10.0.0.1:50000")
                        .contains(Regions.SINCE.toString())
                        .contains("two agents claim region 1"));
    }

    @Test
    void theSameAgentReconnectingWhileItsOldSessionStillLooksLiveIsAdmitted() {
        Fleet fleet = fleet(MEMBERS, remote(1));

        assertThat(refusal(fleet, 1, Role.REMOTE, instanceOf(1))).isEmpty();
    }

    @Test
    void agentsThatDoNotSayTheirInstanceAreNeverTakenForAReconnect() {
        Fleet fleet = fleet(MEMBERS, remote(1).instance(""));

        assertThat(refusal(fleet, 1, Role.REMOTE, ""))
                .hasValueSatisfying(reason -> assertThat(reason).contains("two agents claim region 1"));
    }

    @Test
    void anotherAgentOfTheSameDatabaseIsAdmittedBesideTheFirst() {
        Fleet fleet = fleet(MEMBERS, remote(1));

        assertThat(refusal(fleet, 1, Role.REMOTE, NEW_AGENT, databaseOf(1)))
                .as("the daemon is connected and an operator runs migrate by hand")
                .isEmpty();
    }

    @Test
    void agentsThatCannotSayTheirDatabaseAreNeverTakenForTheSameDatabase() {
        Fleet fleet = fleet(MEMBERS, remote(1).database(""));

        assertThat(refusal(fleet, 1, Role.REMOTE, NEW_AGENT, ""))
                .hasValueSatisfying(reason -> assertThat(reason).contains("two agents claim region 1"));
    }

    @Test
    void anotherAgentOfTheSameDatabaseMustClaimTheSameRole() {
        Fleet fleet = fleet(MEMBERS, remote(7));

        assertThat(refusal(fleet, 7, Role.GLOBAL, NEW_AGENT, databaseOf(7)))
                .hasValueSatisfying(reason ->
                        assertThat(reason).contains("region 7 is connected as remote but this agent says global"));
    }

    @Test
    void theSameAgentReconnectingIsStillHeldToItsRole() {
        Fleet fleet = fleet(MEMBERS, remote(2));

        assertThat(refusal(fleet, 2, Role.GLOBAL, instanceOf(2)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("region 2 is a member remote"));
    }

    @Test
    void aRegionIsAdmittedAgainOnceItsOldConnectionIsGone() {
        Fleet fleet = fleet(MEMBERS, remote(1).applied("1").disconnected());

        assertThat(refusal(fleet, 1, Role.REMOTE, NEW_AGENT)).isEmpty();
    }

    @Test
    void aGlobalClaimingAMembersNumberIsRefused() {
        assertThat(refusal(fleet(MEMBERS), 2, Role.GLOBAL, NEW_AGENT))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("region 2 is a member remote")
                        .contains("'role'")
                        .contains("'regions'"));
    }

    @Test
    void aGlobalClaimingTheNumberOfALiveRemoteIsRefusedAsAClaimedRegion() {
        Fleet fleet = fleet(MEMBERS, remote(5));

        assertThat(refusal(fleet, 5, Role.GLOBAL, NEW_AGENT))
                .hasValueSatisfying(
                        reason -> assertThat(reason).contains("region 5 is already served by a connected agent"));
    }

    @Test
    void aSecondGlobalIsRefused() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(refusal(fleet, 98, Role.GLOBAL, NEW_AGENT))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("region 99 is already connected as the global")
                        .contains("region 98 cannot be global too"));
    }

    @Test
    void aSecondGlobalIsRefusedEvenFromTheGlobalsOwnInstance() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(refusal(fleet, 98, Role.GLOBAL, instanceOf(99)))
                .hasValueSatisfying(
                        reason -> assertThat(reason).contains("region 99 is already connected as the global"));
    }

    @Test
    void theGlobalReconnectingWhileItsOldSessionStillLooksLiveIsAdmitted() {
        Fleet fleet = fleet(MEMBERS, global(99), remote(1));

        assertThat(refusal(fleet, 99, Role.GLOBAL, instanceOf(99))).isEmpty();
    }

    @Test
    void anotherAgentClaimingTheLiveGlobalsRegionIsRefusedAsAClaimedRegion() {
        Fleet fleet = fleet(MEMBERS, global(99));

        assertThat(refusal(fleet, 99, Role.GLOBAL, NEW_AGENT))
                .hasValueSatisfying(
                        reason -> assertThat(reason).contains("region 99 is already served by a connected agent"));
    }

    @Test
    void aNewGlobalIsAdmittedOnceTheOldGlobalDisconnected() {
        Fleet fleet = fleet(MEMBERS, global(99).disconnected());

        assertThat(refusal(fleet, 99, Role.GLOBAL, NEW_AGENT)).isEmpty();
        assertThat(refusal(fleet, 98, Role.GLOBAL, NEW_AGENT)).isEmpty();
    }

    @Test
    void remotesJoinWhileAGlobalIsConnected() {
        Fleet fleet = fleet(MEMBERS, global(99), remote(1));

        assertThat(refusal(fleet, 2, Role.REMOTE, NEW_AGENT)).isEmpty();
        assertThat(refusal(fleet, 7, Role.REMOTE, NEW_AGENT))
                .as("a non-member remote")
                .isEmpty();
    }
}
