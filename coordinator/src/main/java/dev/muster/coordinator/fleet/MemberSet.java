package dev.muster.coordinator.fleet;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The member regions, immutable: a fleet that changes anything but its members keeps the same
 * set rather than copying it, so that a region's report costs the same in any fleet.
 */
final class MemberSet extends AbstractSet<Integer> implements SortedSet<Integer> {

    private final SortedSet<Integer> members;

    private MemberSet(SortedSet<Integer> members) {
        this.members = Collections.unmodifiableSortedSet(members);
    }

    static MemberSet of(Iterable<Integer> members) {
        if (members instanceof MemberSet set) {
            return set;
        }
        TreeSet<Integer> copy = new TreeSet<>();
        members.forEach(copy::add);
        return new MemberSet(copy);
    }

    @Override
    public Iterator<Integer> iterator() {
        return members.iterator();
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public boolean contains(Object region) {
        return members.contains(region);
    }

    @Override
    public Comparator<? super Integer> comparator() {
        return null;
    }

    @Override
    public SortedSet<Integer> subSet(Integer fromElement, Integer toElement) {
        return members.subSet(fromElement, toElement);
    }

    @Override
    public SortedSet<Integer> headSet(Integer toElement) {
        return members.headSet(toElement);
    }

    @Override
    public SortedSet<Integer> tailSet(Integer fromElement) {
        return members.tailSet(fromElement);
    }

    @Override
    public Integer first() {
        return members.first();
    }

    @Override
    public Integer last() {
        return members.last();
    }
}
