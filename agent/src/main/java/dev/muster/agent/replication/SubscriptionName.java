package dev.muster.agent.replication;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The global's subscription to remote region N is {@code region_<N>_subscription}; its slot on N has the same name. */
public final class SubscriptionName {

    private static final Pattern NAME = Pattern.compile("region_(\\d{1,9})_subscription");

    private SubscriptionName() {}

    public static String of(int region) {
        return "region_" + region + "_subscription";
    }

    /** The region a subscription of muster's naming is for; empty for any other name. */
    public static OptionalInt region(String subscription) {
        Matcher matcher = NAME.matcher(subscription);
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }
}
