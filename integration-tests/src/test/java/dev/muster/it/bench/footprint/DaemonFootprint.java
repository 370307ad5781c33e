package dev.muster.it.bench.footprint;

import java.time.Duration;

/**
 * One start of an agent's daemon: from the launcher's start to the daemon logging that the
 * coordinator welcomed its session, and its resident memory after a time of doing nothing.
 */
public record DaemonFootprint(Duration toWelcome, long idleRssKiB, long peakRssKiB) {}
