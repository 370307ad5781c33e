package dev.muster.coordinator.fleet;

import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The fleet as the coordinator knows it: which remote regions are members (their
 * migrations gate the global's), what each region last reported, and what operators
 * decided (a pause, versions released by force). Immutable; every change returns a new
 * fleet.
 */
public record Fleet(
        SortedSet<Integer> members,
        Map<Integer, RegionState> regions,
        Optional<Pause> pause,
        Map<String, ForcedRelease> forced) {

    public Fleet {
        // neither is copied when it comes from another fleet: both are immutable
        members = MemberSet.of(members);
        regions = RegionTable.of(regions);
        forced = Map.copyOf(forced);
    }

    public static Fleet withMembers(Iterable<Integer> members) {
        SortedSet<Integer> set = new TreeSet<>();
        members.forEach(set::add);
        return new Fleet(set, Map.of(), Optional.empty(), Map.of());
    }

    public Optional<RegionState> region(int region) {
        return Optional.ofNullable(regions.get(region));
    }

    public boolean isMember(int region) {
        return members.contains(region);
    }

    public boolean paused() {
        return pause.isPresent();
    }

    /** The region whose connected agent says it is the global, if one is connected. */
    public Optional<RegionState> connectedGlobal() {
        return regions.values().stream()
                .filter(state -> state.role() == Role.GLOBAL && state.connected())
                .findFirst();
    }

    /** The region last known as the global, connected or not. */
    public Optional<RegionState> global() {
        return connectedGlobal()
                .or(() -> regions.values().stream()
                        .filter(state -> state.role() == Role.GLOBAL)
                        .findFirst());
    }

    public Fleet with(RegionState state) {
        return new Fleet(members, table().with(state.region(), state), pause, forced);
    }

    /**
     * Calls {@code change} with (its state in {@code before} or null, its state here or null)
     * for each region whose state is not the very same as in {@code before}, in ascending order.
     * It looks only where the two fleets differ: a fleet's regions share what did not change.
     */
    public void regionChanges(Fleet before, BiConsumer<RegionState, RegionState> change) {
        RegionTable.changes(before.table(), table(), change);
    }

    private RegionTable table() {
        return (RegionTable) regions;
    }

    public Fleet withMember(int region) {
        SortedSet<Integer> next = new TreeSet<>(members);
        next.add(region);
        return new Fleet(next, regions, pause, forced);
    }

    /** The region no longer gates the global; what it reported is forgotten unless an agent is connected. */
    public Fleet withoutMember(int region) {
        SortedSet<Integer> next = new TreeSet<>(members);
        next.remove(region);
        RegionTable known = table();
        if (known.containsKey(region) && !known.get(region).connected()) {
            known = known.without(region);
        }
        return new Fleet(next, known, pause, forced);
    }

    public Fleet withPause(Pause newPause) {
        return new Fleet(members, regions, Optional.of(newPause), forced);
    }

    public Fleet withoutPause() {
        return new Fleet(members, regions, Optional.empty(), forced);
    }

    public Fleet withForced(ForcedRelease release) {
        Map<String, ForcedRelease> next = new TreeMap<>(forced);
        next.put(release.version(), release);
        return new Fleet(members, regions, pause, next);
    }
}
