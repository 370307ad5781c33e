package dev.muster.it.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/** What a run of the release-latency benchmark measured: the counted trials of each kind, in order. */
public record ReleaseLatencyResults(List<TrialTimes> muster, List<TrialTimes> inBand, int warmUpTrials) {

    public ReleaseLatencyResults {
        muster = List.copyOf(muster);
        inBand = List.copyOf(inBand);
    }

    public LatencyStats musterAfterRegionTwo() {
        return stats(muster, TrialTimes::afterRegionTwo);
    }

    public LatencyStats inBandAfterRegionTwo() {
        return stats(inBand, TrialTimes::afterRegionTwo);
    }

    public LatencyStats musterAfterRegionOne() {
        return stats(muster, TrialTimes::afterRegionOne);
    }

    public LatencyStats inBandAfterRegionOne() {
        return stats(inBand, TrialTimes::afterRegionOne);
    }

    /** Every trial of either kind in which the global began a version before a remote had committed it. */
    public List<String> safetyViolations() {
        return Stream.concat(
                        muster.stream()
                                .flatMap(trial ->
                                        trial.safetyViolations().stream().map(violation -> "muster: " + violation)),
                        inBand.stream()
                                .flatMap(trial ->
                                        trial.safetyViolations().stream().map(violation -> "in-band: " + violation)))
                .toList();
    }

    private static LatencyStats stats(List<TrialTimes> trials, Function<TrialTimes, Duration> latency) {
        return LatencyStats.of(trials.stream().map(latency).toList());
    }
}
