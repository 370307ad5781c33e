package dev.muster.it.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a run of the release-latency benchmark measured: the counted trials of each kind, in
 * order — muster with regions migrated by hand, the in-band anchor, and muster driven by
 * {@code muster upgrade}.
 */
public record ReleaseLatencyResults(
        List<TrialTimes> muster, List<TrialTimes> inBand, List<TrialTimes> upgrade, int warmUpTrials) {

    public ReleaseLatencyResults {
        muster = List.copyOf(muster);
        inBand = List.copyOf(inBand);
        upgrade = List.copyOf(upgrade);
    }

    public LatencyStats musterAfterRegionTwo() {
        return stats(muster, TrialTimes::afterRegionTwo);
    }

    public LatencyStats inBandAfterRegionTwo() {
        return stats(inBand, TrialTimes::afterRegionTwo);
    }

    public LatencyStats upgradeAfterLastRemote() {
        return stats(upgrade, TrialTimes::afterLastRemote);
    }

    public LatencyStats inBandAfterLastRemote() {
        return stats(inBand, TrialTimes::afterLastRemote);
    }

    public LatencyStats musterAfterRegionOne() {
        return stats(muster, TrialTimes::afterRegionOne);
    }

    public LatencyStats inBandAfterRegionOne() {
        return stats(inBand, TrialTimes::afterRegionOne);
    }

    /** Every trial of either kind in which the global began a version before a remote had committed it. */
    public List<String> safetyViolations() {
        return Stream.of(violations("muster", muster), violations("in-band", inBand), violations("upgrade", upgrade))
                .flatMap(List::stream)
                .toList();
    }

    private static List<String> violations(String kind, List<TrialTimes> trials) {
        return trials.stream()
                .flatMap(trial -> trial.safetyViolations().stream().map(violation -> kind + ": " + violation))
                .toList();
    }

    private static LatencyStats stats(List<TrialTimes> trials, Function<TrialTimes, Duration> latency) {
        return LatencyStats.of(trials.stream().map(latency).toList());
    }
}
