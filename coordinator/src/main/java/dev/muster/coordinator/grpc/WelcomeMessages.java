package dev.muster.coordinator.grpc;

import dev.muster.proto.v1.CoordinatorMessage;
import dev.muster.proto.v1.Welcome;
import java.util.SortedSet;

/**
 * The Welcome every session gets, built once for each set of members rather than for each
 * Hello: it lists every member, and thousands of agents connect to an unchanged fleet. The
 * fleet keeps the same members set while they do not change, so the set's identity tells.
 */
final class WelcomeMessages {

    private final String coordinatorVersion;
    private SortedSet<Integer> members;
    private CoordinatorMessage welcome;

    WelcomeMessages(String coordinatorVersion) {
        this.coordinatorVersion = coordinatorVersion;
    }

    synchronized CoordinatorMessage of(SortedSet<Integer> memberRegions) {
        if (memberRegions != members) {
            welcome = CoordinatorMessage.newBuilder()
                    .setWelcome(Welcome.newBuilder()
                            .setCoordinatorVersion(coordinatorVersion)
                            .addAllMemberRegions(memberRegions))
                    .build();
            members = memberRegions;
        }
        return welcome;
    }
}
