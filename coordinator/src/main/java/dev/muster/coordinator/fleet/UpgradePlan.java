package dev.muster.coordinator.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What each region still has to apply to reach a target version, in the order the fleet
 * goes (every member remote, then the global), and what stands in the way: a region whose
 * code lacks the target, a checksum that differs from the global's, an agent that is not
 * connected, a pause. Pure, like the release rule.
 *
 * @param blockers every step's blockers, each naming its region, plus the fleet's own
 */
public record UpgradePlan(String target, List<Step> steps, List<String> blockers) {

    public UpgradePlan {
        steps = List.copyOf(steps);
        blockers = List.copyOf(blockers);
    }

    /** @param versions what the region still has to apply, in its order; empty when it is there */
    public record Step(int region, Role role, List<String> versions, List<String> blockers) {

        public Step {
            versions = List.copyOf(versions);
            blockers = List.copyOf(blockers);
        }

        public boolean done() {
            return versions.isEmpty() && blockers.isEmpty();
        }
    }

    public boolean blocked() {
        return !blockers.isEmpty();
    }

    /**
     * The plan to reach {@code target}, or the newest version the global's files contain.
     *
     * @throws IllegalArgumentException when there is no target: none given and no global known
     */
    public static UpgradePlan of(Fleet fleet, Optional<String> target) {
        Optional<RegionState> global = fleet.global();
        String version = target.filter(v -> !v.isBlank())
                .or(() -> global.flatMap(RegionState::newestAvailable))
                .orElseThrow(() -> new IllegalArgumentException(
                        global.isEmpty()
                                ? "the global region has never connected, so name the target version"
                                : "the global region's files contain no migrations, so there is no version to reach"));
        List<Step> steps = new ArrayList<>();
        for (int member : fleet.members()) {
            steps.add(fleet.region(member)
                    .map(state -> step(state, version, global))
                    .orElseGet(() -> new Step(
                            member,
                            Role.REMOTE,
                            List.of(),
                            List.of("region " + member + " has never connected, so its migrations are unknown"))));
        }
        List<String> blockers = new ArrayList<>();
        fleet.pause().ifPresent(pause -> blockers.add(pause.describe()));
        global.ifPresentOrElse(
                state -> steps.add(step(state, version, Optional.empty())),
                () -> blockers.add("the global region has never connected, so its migrations are unknown"));
        for (Step step : steps) {
            blockers.addAll(step.blockers());
        }
        return new UpgradePlan(version, steps, blockers);
    }

    private static Step step(RegionState state, String target, Optional<RegionState> global) {
        List<String> blockers = new ArrayList<>();
        String who = (state.role() == Role.GLOBAL ? "the global region " : "region ") + state.region();
        boolean hasTarget =
                state.applied().containsKey(target) || state.available().containsKey(target);
        // Without the target in its files, what it would apply is unknown until its code changes.
        List<String> versions = hasTarget ? pendingUpTo(state, target) : List.of();
        if (!hasTarget) {
            blockers.add(who + "'s code does not contain migration " + target + " ("
                    + state.newestAvailable().map(v -> "its newest is " + v).orElse("it has none") + ", "
                    + state.codeFreshness() + "): it needs code that does");
        }
        for (String version : upTo(state, target)) {
            changedUnderApplied(state, version).ifPresent(blockers::add);
        }
        if (!versions.isEmpty() && !state.connected()) {
            blockers.add(who + "'s agent is not connected");
        }
        // Only the versions the global goes through to reach the target: a later mismatch
        // does not stop a plan to an earlier version.
        global.ifPresent(theGlobal -> {
            for (String version : upTo(theGlobal, target)) {
                checksumMismatch(state, theGlobal, version).ifPresent(blockers::add);
            }
        });
        return new Step(state.region(), state.role(), versions, blockers);
    }

    /**
     * A migration applied with one checksum whose file now has another: Flyway's validate
     * refuses to migrate such a database, whatever the target.
     */
    private static Optional<String> changedUnderApplied(RegionState state, String version) {
        Migration applied = state.applied().get(version);
        Migration file = state.available().get(version);
        if (applied == null
                || file == null
                || applied.checksum().isEmpty()
                || file.checksum().isEmpty()
                || applied.checksum().equals(file.checksum())) {
            return Optional.empty();
        }
        return Optional.of("region " + state.region() + "'s file of migration " + version + " changed after it was "
                + "applied (checksum " + file.checksum().getAsInt() + ", applied as "
                + applied.checksum().getAsInt()
                + ", " + state.codeFreshness() + "): Flyway's validate refuses to migrate it; put the file back as it "
                + "was, or run Flyway's repair if the change is intended");
    }

    /** The region's pending migrations, in its order, up to and including {@code target}. */
    private static List<String> pendingUpTo(RegionState state, String target) {
        if (!state.available().containsKey(target)) {
            // applied, though its files no longer list it: it is there
            return List.of();
        }
        return upTo(state, target).stream()
                .filter(version -> !state.applied().containsKey(version))
                .toList();
    }

    /** The versions the region's files have, in their order, up to and including {@code target}. */
    private static List<String> upTo(RegionState state, String target) {
        List<String> versions = new ArrayList<>();
        for (String version : state.available().keySet()) {
            versions.add(version);
            if (version.equals(target)) {
                break;
            }
        }
        return versions;
    }

    private static Optional<String> checksumMismatch(RegionState member, RegionState global, String version) {
        Migration theirs =
                member.applied().getOrDefault(version, member.available().get(version));
        Migration ours = global.available().get(version);
        if (theirs == null || ours == null || theirs.checksum().equals(ours.checksum())) {
            return Optional.empty();
        }
        return Optional.of("checksum mismatch for migration " + version + ": region " + member.region() + " has "
                + theirs.checksumText() + ", the global's files have " + ours.checksumText());
    }
}
