package dev.muster.agent.gate;

import dev.muster.proto.v1.Blocker;
import dev.muster.proto.v1.Wait;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the person running {@code migrate} what the global waits on. The coordinator
 * re-sends a wait when only its reasons change; the wait lines are printed again only
 * when the version or the regions waited on change. Reasons go to the log.
 */
final class WaitDisplay {

    private static final Logger log = LoggerFactory.getLogger(WaitDisplay.class);

    private final MigrationConsole console;
    private String version;
    private List<Integer> regions = List.of();
    private String held;

    WaitDisplay(MigrationConsole console) {
        this.console = console;
    }

    void show(Wait wait) {
        if (!wait.getHeld().isEmpty()) {
            showHeld(wait);
            return;
        }
        held = null;
        List<Integer> waitingOn =
                wait.getWaitingOnList().stream().map(Blocker::getRegion).toList();
        for (Blocker blocker : wait.getWaitingOnList()) {
            log.info(
                    "Migration {} waits for region {}: {}",
                    wait.getVersion(),
                    blocker.getRegion(),
                    blocker.getReason());
        }
        if (wait.getVersion().equals(version) && waitingOn.equals(regions)) {
            return;
        }
        version = wait.getVersion();
        regions = waitingOn;
        waitingOn.forEach(region -> console.waiting(region, version));
    }

    /** An operator paused the fleet: said once per pause, and the wait lines come again after it. */
    private void showHeld(Wait wait) {
        if (!wait.getHeld().equals(held)) {
            held = wait.getHeld();
            console.held(wait.getVersion(), held);
        }
        version = null;
        regions = List.of();
    }
}
