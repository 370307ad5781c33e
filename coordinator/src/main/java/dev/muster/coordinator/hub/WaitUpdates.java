package dev.muster.coordinator.hub;

import dev.muster.coordinator.fleet.Release;
import java.util.Optional;

/**
 * Whether an open request's new answer is worth sending to its agent. A Go, a Reject, a Hold,
 * a wait on another version, or one on more regions than the agent was told, always is. A wait
 * on the same version that only shrank is sent again once it has halved, and at every change
 * once few regions remain: the global of ten thousand members then hears some twenty waits as
 * they report, not ten thousand of ever so slightly fewer regions each. The fleet's state and
 * the status keep the exact wait meanwhile.
 */
final class WaitUpdates {

    /** Waits on this many regions or fewer are sent at every change. */
    static final int ALWAYS_SENT_UP_TO = 16;

    private WaitUpdates() {}

    static boolean worthSending(Optional<Release> lastSent, Release now) {
        if (!(now instanceof Release.Wait wait)
                || lastSent.isEmpty()
                || !(lastSent.get() instanceof Release.Wait sent)
                || !sent.version().equals(wait.version())) {
            return true;
        }
        int remaining = wait.blockers().size();
        return remaining <= ALWAYS_SENT_UP_TO
                || remaining > sent.blockers().size()
                || remaining * 2 <= sent.blockers().size();
    }
}
