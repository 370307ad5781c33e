package dev.muster.coordinator.upgrade;

import java.util.Locale;

/** Where {@code muster upgrade} is; {@link #IDLE} while none runs. */
public enum UpgradePhase {
    IDLE,
    PREFLIGHT,
    TEARDOWN,
    MIGRATE_REMOTES,
    MIGRATE_GLOBAL,
    SETUP,
    VERIFY;

    /** The phase as a metric label: {@code migrate_remotes}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
