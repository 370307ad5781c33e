package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/** Remembers, in order, everything the hub told one session. */
final class RecordingOutbox implements Outbox {

    record Welcomed(SortedSet<Integer> memberRegions) {
    }

    record Refused(String reason) {
    }

    private final List<Object> said = new ArrayList<>();

    @Override
    public synchronized void welcome(SortedSet<Integer> memberRegions) {
        said.add(new Welcomed(memberRegions));
    }

    @Override
    public synchronized void release(Release release) {
        said.add(release);
    }

    @Override
    public synchronized void refuse(String reason) {
        said.add(new Refused(reason));
    }

    synchronized List<Object> said() {
        return List.copyOf(said);
    }

    /** The release answers only, without the welcome. */
    synchronized List<Release> releases() {
        return said.stream().filter(Release.class::isInstance).map(Release.class::cast).toList();
    }
}
