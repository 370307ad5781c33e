package dev.muster.coordinator.fleet;

import java.util.List;

/** The coordinator's answer to a region that asks to apply its pending migrations. */
public sealed interface Release {

    /** Every requested version up to and including {@code upToVersion} may be applied now. */
    record Go(String upToVersion) implements Release {}

    /** {@code version} is the first requested version that is not released; the blockers say who holds it. */
    record Wait(String version, List<Blocker> blockers) implements Release {
        public Wait {
            blockers = List.copyOf(blockers);
        }

        public List<Integer> regions() {
            return blockers.stream().map(Blocker::region).toList();
        }
    }

    /** An operator paused the fleet: nothing is released until it is resumed. */
    record Hold(String version, String reason) implements Release {}

    /** The fleet cannot go on until an operator acts; the reason says what to fix. */
    record Reject(String reason) implements Release {}
}
