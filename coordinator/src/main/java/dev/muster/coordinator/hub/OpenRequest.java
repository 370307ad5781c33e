package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Release;
import java.util.List;
import java.util.Optional;

/**
 * A release request waiting for its Go or Reject: the versions it names, in the order the
 * agent applies them, the Wait or Hold last sent for it, which is not sent again, and what the
 * rule last answered it, which the next change revises.
 */
record OpenRequest(long id, List<String> versions, Optional<Release> lastSent, Optional<Release> decided) {

    OpenRequest {
        versions = List.copyOf(versions);
    }

    static OpenRequest of(long id, List<String> versions) {
        return new OpenRequest(id, versions, Optional.empty(), Optional.empty());
    }

    OpenRequest sent(Release release) {
        return new OpenRequest(id, versions, Optional.of(release), Optional.of(release));
    }

    /** The rule answered {@code release}, which was not sent: a wait that changed too little to tell the agent again. */
    OpenRequest decided(Release release) {
        return new OpenRequest(id, versions, lastSent, Optional.of(release));
    }
}
