package dev.muster.coordinator.fleet;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet as the coordinator knows it: which remote regions are members (their
 * migrations gate the global's) and what each region last reported. Immutable; every
 * change returns a new fleet.
 */
public record Fleet(SortedSet<Integer> members, Map<Integer, RegionState> regions) {

    public Fleet {
        members = Collections.unmodifiableSortedSet(new TreeSet<>(members));
        regions = Collections.unmodifiableMap(new TreeMap<>(regions));
    }

    public static Fleet withMembers(Iterable<Integer> members) {
        SortedSet<Integer> set = new TreeSet<>();
        members.forEach(set::add);
        return new Fleet(set, Map.of());
    }

    public Optional<RegionState> region(int region) {
        return Optional.ofNullable(regions.get(region));
    }

    public boolean isMember(int region) {
        return members.contains(region);
    }

    /** The region whose connected agent says it is the global, if one is connected. */
    public Optional<RegionState> connectedGlobal() {
        return regions.values().stream()
                .filter(state -> state.role() == Role.GLOBAL && state.connected())
                .findFirst();
    }

    public Fleet with(RegionState state) {
        Map<Integer, RegionState> next = new TreeMap<>(regions);
        next.put(state.region(), state);
        return new Fleet(members, next);
    }
}
