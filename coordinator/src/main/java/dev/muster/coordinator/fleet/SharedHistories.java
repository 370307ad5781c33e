package dev.muster.coordinator.fleet;

import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * One copy of each distinct migration history (applied or available, in order) for all the
 * regions that have it: a fleet kept in step has thousands of regions with the same thousand
 * migrations, which would otherwise each hold their own. A history is immutable, so sharing
 * it is safe, and a region state that keeps its history keeps the same instance, so that a
 * change to anything else costs nothing per migration. Histories no region holds any more
 * are collected.
 */
public final class SharedHistories {

    private static final Map<Key, WeakReference<History>> INTERNED = new WeakHashMap<>();

    private SharedHistories() {}

    /** The shared, unmodifiable history with the same migrations in the same order as {@code migrations}. */
    public static Map<String, Migration> shared(Map<String, Migration> migrations) {
        if (migrations instanceof History history) {
            return history;
        }
        History candidate = new History(new LinkedHashMap<>(migrations));
        synchronized (INTERNED) {
            WeakReference<History> known = INTERNED.get(candidate.key);
            History existing = known == null ? null : known.get();
            if (existing != null) {
                return existing;
            }
            INTERNED.put(candidate.key, new WeakReference<>(candidate));
            return candidate;
        }
    }

    /** A history, equal to any map with the same entries, as maps are. */
    private static final class History extends AbstractMap<String, Migration> {

        private final Map<String, Migration> migrations;
        // held here so that the interned entry lives exactly as long as the history
        private final Key key;

        History(LinkedHashMap<String, Migration> migrations) {
            this.migrations = Collections.unmodifiableMap(migrations);
            this.key = new Key(this);
        }

        @Override
        public Set<Entry<String, Migration>> entrySet() {
            return migrations.entrySet();
        }

        @Override
        public Set<String> keySet() {
            return migrations.keySet();
        }

        @Override
        public Migration get(Object version) {
            return migrations.get(version);
        }

        @Override
        public boolean containsKey(Object version) {
            return migrations.containsKey(version);
        }

        @Override
        public int size() {
            return migrations.size();
        }
    }

    /** A history's identity for sharing: its migrations in order (a map's equality ignores the order). */
    private static final class Key {

        private final History history;
        private final int hash;

        Key(History history) {
            this.history = history;
            int h = 1;
            for (Migration migration : history.migrations.values()) {
                h = 31 * h + migration.hashCode();
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Key that) || that.hash != hash || that.history.size() != history.size()) {
                return false;
            }
            Iterator<Migration> mine = history.migrations.values().iterator();
            Iterator<Migration> theirs = that.history.migrations.values().iterator();
            while (mine.hasNext()) {
                if (!mine.next().equals(theirs.next())) {
                    return false;
                }
            }
            return true;
        }
    }
}
