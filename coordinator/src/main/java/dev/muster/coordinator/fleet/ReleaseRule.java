package dev.muster.coordinator.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The release rule: the global region may apply migration V only after every member
 * remote region has committed V with the same checksum, or an operator released V by
 * force, and nothing is released while an operator has paused the fleet. Only the global
 * asks: a remote applies its migrations at once and reports them, so the rule has no
 * answer for one. A pure function of the fleet; it does no I/O and keeps no state.
 */
public final class ReleaseRule {

    private ReleaseRule() {}

    /**
     * Answers the global asking to apply {@code pending} (in the order it will apply them):
     * {@link Release.Go} for the longest prefix that is released, so that the agent can
     * apply it in one run; otherwise the {@link Release.Wait} or {@link Release.Reject}
     * of the first version.
     */
    public static Release decide(Fleet fleet, int region, List<String> pending) {
        if (pending.isEmpty()) {
            throw new IllegalArgumentException("a release request names at least one version");
        }
        String releasedUpTo = null;
        for (String version : pending) {
            Release release = decide(fleet, region, version);
            if (!(release instanceof Release.Go)) {
                return releasedUpTo == null ? release : new Release.Go(releasedUpTo);
            }
            releasedUpTo = version;
        }
        return new Release.Go(releasedUpTo);
    }

    /**
     * The rule for one version.
     *
     * @throws IllegalArgumentException if {@code region} has not said hello, or is not the global
     */
    public static Release decide(Fleet fleet, int region, String version) {
        RegionState asking = fleet.region(region)
                .orElseThrow(() -> new IllegalArgumentException("region " + region + " has not said hello"));
        if (asking.role() != Role.GLOBAL) {
            throw new IllegalArgumentException("region " + region + " is a remote; only the global asks for release");
        }
        if (fleet.pause().isPresent()) {
            return new Release.Hold(version, fleet.pause().get().describe());
        }
        Migration own = asking.available().get(version);
        if (own == null) {
            return new Release.Reject("the global region asked to apply migration " + version
                    + ", which its own migration files do not contain");
        }
        List<Blocker> blockers = new ArrayList<>();
        for (int member : fleet.members()) {
            if (member == region) {
                continue;
            }
            Optional<RegionState> state = fleet.region(member);
            if (state.isEmpty()) {
                blockers.add(notConnected(member, version));
                continue;
            }
            Optional<String> mismatch = checksumMismatch(state.get(), own);
            if (mismatch.isPresent()) {
                return new Release.Reject(mismatch.get());
            }
            blockerFor(state.get(), version).ifPresent(blockers::add);
        }
        // A forced release lifts the waits, never a checksum mismatch: that needs the files fixed.
        boolean released = blockers.isEmpty() || fleet.forced().containsKey(version);
        return released ? new Release.Go(version) : new Release.Wait(version, blockers);
    }

    /**
     * The same answer as {@link #decide(Fleet, int, List)}, found from {@code before} (what the
     * rule answered the same request before) when only region {@code changed} changed since:
     * a wait's other blockers still stand, so only that region's part is judged again, in time
     * independent of the number of members. Anything else (another answer before, the asking
     * region changed, a pause or a forced release, the wait lifted) is decided in full.
     */
    public static Release revise(Fleet fleet, int region, List<String> pending, Release before, int changed) {
        if (!(before instanceof Release.Wait wait)
                || changed == region
                || fleet.pause().isPresent()
                || fleet.forced().containsKey(wait.version())) {
            return decide(fleet, region, pending);
        }
        if (!fleet.isMember(changed)) {
            return wait.blockers().stream().anyMatch(b -> b.region() == changed)
                    ? decide(fleet, region, pending)
                    : wait;
        }
        RegionState asking = fleet.region(region).orElse(null);
        int at = pending.indexOf(wait.version());
        if (asking == null || asking.role() != Role.GLOBAL || at < 0) {
            return decide(fleet, region, pending);
        }
        Optional<RegionState> state = fleet.region(changed);
        // the versions released before the waiting one stay released only if this region still allows them
        for (String version : pending.subList(0, at + 1)) {
            Migration own = asking.available().get(version);
            if (own == null) {
                return decide(fleet, region, pending);
            }
            if (state.isPresent()) {
                Optional<String> mismatch = checksumMismatch(state.get(), own);
                if (mismatch.isPresent()) {
                    return decide(fleet, region, pending);
                }
            }
            if (!version.equals(wait.version())
                    && (state.isEmpty() || blockerFor(state.get(), version).isPresent())) {
                return decide(fleet, region, pending);
            }
        }
        Optional<Blocker> blocker = state.isEmpty()
                ? Optional.of(notConnected(changed, wait.version()))
                : blockerFor(state.get(), wait.version());
        List<Blocker> blockers = new ArrayList<>(wait.blockers().size() + 1);
        boolean placed = false;
        for (Blocker other : wait.blockers()) {
            if (!placed && other.region() >= changed) {
                blocker.ifPresent(blockers::add);
                placed = true;
            }
            if (other.region() != changed) {
                blockers.add(other);
            }
        }
        if (!placed) {
            blocker.ifPresent(blockers::add);
        }
        return blockers.isEmpty() ? decide(fleet, region, pending) : new Release.Wait(wait.version(), blockers);
    }

    private static Blocker notConnected(int member, String version) {
        return new Blocker(
                member,
                "region " + member + " has not connected to the coordinator yet, so it is not known to have run "
                        + version);
    }

    private static Optional<String> checksumMismatch(RegionState member, Migration global) {
        Migration applied = member.applied().get(global.version());
        Migration available = member.available().get(global.version());
        Migration theirs = applied != null ? applied : available;
        if (theirs == null || theirs.checksum().equals(global.checksum())) {
            return Optional.empty();
        }
        String what = applied != null ? "applied it with checksum " : "has it in its migration files with checksum ";
        return Optional.of("checksum mismatch for migration " + global.version() + ": region " + member.region()
                + " " + what + theirs.checksumText() + ", the global's migration files have "
                + global.checksumText() + ". The regions run different code for the same version; "
                + "the fleet holds until an operator reconciles the migration files");
    }

    private static Optional<Blocker> blockerFor(RegionState member, String version) {
        if (member.applied().containsKey(version)) {
            return Optional.empty();
        }
        String agent = member.connected() ? "" : " (its agent is not connected)";
        if (!member.available().containsKey(version)) {
            String newest =
                    member.newestAvailable().map(v -> "its newest is " + v).orElse("it has none");
            return Optional.of(new Blocker(
                    member.region(),
                    "region " + member.region()
                            + "'s code does not contain migration " + version + " (" + newest + ", "
                            + member.codeFreshness() + "): upgrade region " + member.region() + "'s code first"
                            + agent));
        }
        return Optional.of(new Blocker(
                member.region(), "region " + member.region() + " has not run migration " + version + " yet" + agent));
    }
}
