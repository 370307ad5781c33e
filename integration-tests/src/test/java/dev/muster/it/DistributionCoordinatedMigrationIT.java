package dev.muster.it;

import dev.muster.it.fixture.ProcessLauncher;

/**
 * The coordinated migration scenarios as an operator runs them: {@code bin/muster serve}
 * and {@code bin/muster-agent migrate} from the built distribution, each a process.
 */
class DistributionCoordinatedMigrationIT extends CoordinatedMigrationContract {

    DistributionCoordinatedMigrationIT() {
        super(new ProcessLauncher());
    }
}
