package dev.muster.it;

import dev.muster.it.fixture.InProcessLauncher;

/** The coordinated migration scenarios with coordinator and agents in the test's JVM. */
class InProcessCoordinatedMigrationIT extends CoordinatedMigrationContract {

    InProcessCoordinatedMigrationIT() {
        super(new InProcessLauncher());
    }
}
