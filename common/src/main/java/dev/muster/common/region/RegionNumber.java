package dev.muster.common.region;

/**
 * Region numbers. Every row id a region creates lies in {@code N × 10^12 … (N+1) × 10^12 − 1},
 * so the largest region is the one whose range still fits in a PostgreSQL {@code bigint}.
 */
public final class RegionNumber {

    public static final long IDS_PER_REGION = 1_000_000_000_000L;
    public static final int MAX = (int) (Long.MAX_VALUE / IDS_PER_REGION) - 1;

    private RegionNumber() {}

    public static boolean isValid(long region) {
        return region >= 0 && region <= MAX;
    }

    /** The first id of {@code region}'s range. */
    public static long firstId(int region) {
        return region * IDS_PER_REGION;
    }

    /** The last id of {@code region}'s range. */
    public static long lastId(int region) {
        return firstId(region) + IDS_PER_REGION - 1;
    }
}
