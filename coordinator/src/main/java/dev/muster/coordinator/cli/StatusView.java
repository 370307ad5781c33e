package dev.muster.coordinator.cli;

import com.google.protobuf.Timestamp;
import dev.muster.common.cli.TextTable;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.ForcedReleaseState;
import dev.muster.proto.v1.RegionStatus;
import dev.muster.proto.v1.Role;
import dev.muster.proto.v1.WaitState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** {@code muster status} for people: the fleet's state in a few lines, then one row per region. */
final class StatusView {

    private StatusView() {}

    static String render(FleetStatus status, Instant now) {
        StringBuilder text = new StringBuilder();
        text.append("Coordinator ")
                .append(status.getCoordinatorVersion())
                .append(": member regions ")
                .append(status.getMemberRegionsList().isEmpty() ? "none" : join(status.getMemberRegionsList()))
                .append(
                        status.getDurable()
                                ? "; state kept in its database"
                                : "; state in memory only (no database configured: a restart forgets it)")
                .append('\n');
        switch (status.getSecurity()) {
            case MUTUAL_TLS ->
                text.append("Mutual TLS: agents and operators are who their certificates say (trust domain ")
                        .append(status.getTrustDomain())
                        .append(")\n");
            case PLAINTEXT_LOOPBACK ->
                text.append("Plaintext on a loopback address: no one is authenticated; anyone "
                        + "who can run a command on the coordinator's host drives the fleet\n");
            case INSECURE ->
                text.append("INSECURE: plaintext on a network address (insecure: true): anyone who reaches "
                        + "the coordinator's port can claim any region and release anything\n");
            default -> {
                // an older coordinator, which does not say
            }
        }
        if (status.hasPause()) {
            text.append("PAUSED by ")
                    .append(status.getPause().getBy())
                    .append(' ')
                    .append(ago(status.getPause().getAt(), now))
                    .append(": ")
                    .append(status.getPause().getReason())
                    .append(" ('muster resume' lets it go on)\n");
        }
        for (ForcedReleaseState forced : status.getForcedReleasesList()) {
            text.append("Released by force: ")
                    .append(forced.getVersion())
                    .append(" by ")
                    .append(forced.getBy())
                    .append(' ')
                    .append(ago(forced.getAt(), now))
                    .append(": ")
                    .append(forced.getReason())
                    .append('\n');
        }
        TextTable table =
                new TextTable("REGION", "ROLE", "MEMBER", "AGENT", "APPLIED", "PENDING", "WAITS ON", "REPLICATION");
        for (RegionStatus region : status.getRegionsList()) {
            table.add(
                    region.getRegion(),
                    region.getRole() == Role.GLOBAL ? "global" : "remote",
                    region.getRole() == Role.GLOBAL ? "-" : region.getMember() ? "yes" : "no",
                    agent(region, now),
                    region.getAppliedVersion().isEmpty() ? "-" : region.getAppliedVersion(),
                    region.getKnown() ? region.getPending() : "-",
                    region.hasWaiting() ? waiting(region.getWaiting(), now) : "-",
                    replication(region));
        }
        return text.append('\n').append(table.render()).toString();
    }

    private static String agent(RegionStatus region, Instant now) {
        if (region.getSessions() > 0) {
            return "connected" + (region.getSessions() > 1 ? " (" + region.getSessions() + " sessions)" : "");
        }
        if (!region.hasLastSeen()) {
            return "never connected";
        }
        return "last seen " + ago(region.getLastSeen(), now);
    }

    private static String waiting(WaitState waiting, Instant now) {
        String since = " since " + ago(waiting.getSince(), now);
        if (!waiting.getHeld().isEmpty()) {
            return waiting.getVersion() + " held: fleet paused" + since;
        }
        return waiting.getVersion() + " on region" + (waiting.getRegionsCount() == 1 ? " " : "s ")
                + join(waiting.getRegionsList()) + since;
    }

    private static String replication(RegionStatus region) {
        if (!region.hasReplication()) {
            return "not reported";
        }
        if (region.getReplicationProblemsCount() == 0) {
            return "healthy";
        }
        String first = region.getReplicationProblems(0);
        int more = region.getReplicationProblemsCount() - 1;
        return first + (more > 0 ? " (+" + more + " more)" : "");
    }

    static String ago(Timestamp at, Instant now) {
        Duration age = Duration.between(Instant.ofEpochSecond(at.getSeconds(), at.getNanos()), now);
        if (age.isNegative() || age.toSeconds() < 1) {
            return "just now";
        }
        if (age.toMinutes() < 1) {
            return age.toSeconds() + "s ago";
        }
        if (age.toHours() < 1) {
            return age.toMinutes() + "m ago";
        }
        if (age.toDays() < 1) {
            return age.toHours() + "h" + (age.toMinutesPart() > 0 ? age.toMinutesPart() + "m" : "") + " ago";
        }
        return age.toDays() + "d ago";
    }

    static String join(List<Integer> regions) {
        return regions.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
