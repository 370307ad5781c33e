package dev.muster.agent.link;

import java.time.Duration;

/**
 * Where the reconnection backoff used to be, kept so that code written against it still
 * compiles: use {@link dev.muster.common.time.Backoff}.
 */
@Deprecated(forRemoval = true)
public final class Backoff extends dev.muster.common.time.Backoff {

    public Backoff(Duration initial, Duration max) {
        super(initial, max);
    }
}
