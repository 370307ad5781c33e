package dev.muster.coordinator.fleet;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The fleet's regions by number, immutable, in ascending order: a trie of 32-way nodes on the
 * number's bits. A changed region copies the seven nodes on its path and shares the rest with
 * the table before, so that one region's change costs the same in any fleet, and two tables
 * are compared by walking only the paths where they differ.
 */
final class RegionTable extends AbstractMap<Integer, RegionState> {

    private static final int BITS = 5;
    private static final int WIDTH = 1 << BITS;
    private static final int LEVELS = 7; // 35 bits: every non-negative int

    static final RegionTable EMPTY = new RegionTable(null, 0);

    private final Object[] root;
    private final int size;

    private RegionTable(Object[] root, int size) {
        this.root = root;
        this.size = size;
    }

    static RegionTable of(Map<Integer, RegionState> regions) {
        if (regions instanceof RegionTable table) {
            return table;
        }
        RegionTable table = EMPTY;
        for (Map.Entry<Integer, RegionState> entry : regions.entrySet()) {
            table = table.with(entry.getKey(), entry.getValue());
        }
        return table;
    }

    RegionTable with(int region, RegionState state) {
        if (region < 0 || state == null) {
            throw new IllegalArgumentException("region " + region + " cannot hold " + state);
        }
        boolean[] added = new boolean[1];
        return new RegionTable(put(root, LEVELS - 1, region, state, added), size + (added[0] ? 1 : 0));
    }

    RegionTable without(int region) {
        return get(region) == null ? this : new RegionTable(remove(root, LEVELS - 1, region), size - 1);
    }

    private static Object[] put(Object[] node, int level, int region, RegionState state, boolean[] added) {
        Object[] copy = node == null ? new Object[WIDTH] : node.clone();
        int i = index(region, level);
        if (level == 0) {
            added[0] = copy[i] == null;
            copy[i] = state;
        } else {
            copy[i] = put((Object[]) copy[i], level - 1, region, state, added);
        }
        return copy;
    }

    private static Object[] remove(Object[] node, int level, int region) {
        Object[] copy = node.clone();
        int i = index(region, level);
        copy[i] = level == 0 ? null : remove((Object[]) copy[i], level - 1, region);
        for (Object child : copy) {
            if (child != null) {
                return copy;
            }
        }
        return null;
    }

    private static int index(int region, int level) {
        return (region >>> (level * BITS)) & (WIDTH - 1);
    }

    @Override
    public RegionState get(Object key) {
        if (!(key instanceof Integer region) || region < 0) {
            return null;
        }
        Object[] node = root;
        for (int level = LEVELS - 1; node != null; level--) {
            Object child = node[index(region, level)];
            if (level == 0) {
                return (RegionState) child;
            }
            node = (Object[]) child;
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Calls {@code change} with (what {@code before} held, what {@code after} holds) for each
     * region whose state is not the same object in both, null where a table has none; in
     * ascending order, looking only where the tables differ.
     */
    static void changes(RegionTable before, RegionTable after, BiConsumer<RegionState, RegionState> change) {
        diff(before.root, after.root, LEVELS - 1, change);
    }

    private static void diff(Object[] before, Object[] after, int level, BiConsumer<RegionState, RegionState> change) {
        if (before == after) {
            return;
        }
        for (int i = 0; i < WIDTH; i++) {
            Object was = before == null ? null : before[i];
            Object is = after == null ? null : after[i];
            if (was == is) {
                continue;
            }
            if (level == 0) {
                change.accept((RegionState) was, (RegionState) is);
            } else {
                diff((Object[]) was, (Object[]) is, level - 1, change);
            }
        }
    }

    @Override
    public Set<Entry<Integer, RegionState>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<Integer, RegionState>> iterator() {
                return new Walk();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** The regions in ascending order: depth first, children in order. */
    private final class Walk implements Iterator<Entry<Integer, RegionState>> {

        private final List<Object[]> path = new ArrayList<>(LEVELS);
        private final int[] at = new int[LEVELS];
        private Entry<Integer, RegionState> next;

        Walk() {
            if (root != null) {
                path.add(root);
                at[0] = -1;
            }
            advance();
        }

        private void advance() {
            next = null;
            while (!path.isEmpty()) {
                int depth = path.size() - 1;
                Object[] node = path.get(depth);
                int i = ++at[depth];
                if (i >= WIDTH) {
                    path.remove(depth);
                    continue;
                }
                Object child = node[i];
                if (child == null) {
                    continue;
                }
                if (depth == LEVELS - 1) {
                    RegionState state = (RegionState) child;
                    next = new SimpleImmutableEntry<>(region(), state);
                    return;
                }
                path.add((Object[]) child);
                at[depth + 1] = -1;
            }
        }

        private int region() {
            int region = 0;
            for (int depth = 0; depth < LEVELS; depth++) {
                region |= at[depth] << ((LEVELS - 1 - depth) * BITS);
            }
            return region;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Entry<Integer, RegionState> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Entry<Integer, RegionState> current = next;
            advance();
            return current;
        }
    }
}
