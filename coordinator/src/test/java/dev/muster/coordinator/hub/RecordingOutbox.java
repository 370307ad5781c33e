package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Release;
import dev.muster.coordinator.steps.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/** Remembers, in order, everything the hub told one session. */
final class RecordingOutbox implements Outbox {

    record Welcomed(SortedSet<Integer> memberRegions) {}

    /** A release answer and the request it answers. */
    record Answered(long requestId, Release release) {}

    record Refused(String reason) {}

    record Superseded() {}

    record Commanded(long commandId, Step step) {}

    private final List<Object> said = new ArrayList<>();

    @Override
    public synchronized void welcome(SortedSet<Integer> memberRegions) {
        said.add(new Welcomed(memberRegions));
    }

    @Override
    public synchronized void release(long requestId, Release release) {
        said.add(new Answered(requestId, release));
    }

    @Override
    public synchronized void refuse(String reason) {
        said.add(new Refused(reason));
    }

    @Override
    public synchronized void supersede() {
        said.add(new Superseded());
    }

    @Override
    public synchronized void command(long commandId, Step step) {
        said.add(new Commanded(commandId, step));
    }

    synchronized List<Object> said() {
        return List.copyOf(said);
    }

    /** The release answers with the request ids they answer, without the welcome. */
    synchronized List<Answered> answers() {
        return said.stream()
                .filter(Answered.class::isInstance)
                .map(Answered.class::cast)
                .toList();
    }

    /** The release answers only, without the welcome or request ids. */
    synchronized List<Release> releases() {
        return answers().stream().map(Answered::release).toList();
    }
}
