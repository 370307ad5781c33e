package dev.muster.agent.replication;

import dev.muster.common.region.RegionNumber;

/** The ids a region's rows carry: {@code N × 10^12 … (N+1) × 10^12 − 1}, both ends included. */
public record IdRange(int region, long first, long last) {

    public static IdRange of(int region) {
        if (!RegionNumber.isValid(region)) {
            throw new IllegalArgumentException("no region " + region + ": regions are 0 to " + RegionNumber.MAX);
        }
        return new IdRange(region, RegionNumber.firstId(region), RegionNumber.lastId(region));
    }

    @Override
    public String toString() {
        return "region " + region + " (ids " + first + " to " + last + ")";
    }
}
