package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Release;
import java.util.List;
import java.util.Optional;

/**
 * A release request waiting for its Go or Reject: the versions it names, in the order the
 * agent applies them, and the Wait or Hold last sent for it, which is not sent again.
 */
record OpenRequest(long id, List<String> versions, Optional<Release> lastSent) {

    OpenRequest {
        versions = List.copyOf(versions);
    }

    static OpenRequest of(long id, List<String> versions) {
        return new OpenRequest(id, versions, Optional.empty());
    }

    OpenRequest sent(Release release) {
        return new OpenRequest(id, versions, Optional.of(release));
    }
}
