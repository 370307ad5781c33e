package dev.muster.coordinator.fleet;

import java.time.Instant;

/** An operator holds the fleet: no region is released until someone resumes it. */
public record Pause(String reason, String by, Instant at) {

    String describe() {
        return "the fleet was paused by " + by + " at " + at + " (" + reason + "); 'muster resume' lets it go on";
    }
}
