package dev.muster.it.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The release-latency benchmark: muster's trials by hand, the in-band anchor's and muster's
 * driven by {@code muster upgrade}, one of each in turn on the same servers, so that whatever else loads the machine meets both alike. The
 * first {@code warmUp} of each kind warm the JVM, the servers and the subscriptions up and
 * are not counted.
 *
 * <p>In each turn region 1 starts after the same random pause of up to one in-band polling
 * interval in both trials. Without it the trial's own rhythm would put region 2's commit at
 * nearly the same point of the in-band global's polling second every time, and the anchor's
 * latency would be that point rather than a spread over the whole second, as by hand. The
 * pauses come from a fixed seed, so that every run draws the same ones.
 */
public final class ReleaseLatencyBenchmark {

    private static final long PAUSE_SEED = 13;
    private static final DateTimeFormatter LOG_CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private ReleaseLatencyBenchmark() {}

    public static ReleaseLatencyResults run(BenchmarkServers servers, Path dir, int trials, int warmUp, PrintStream out)
            throws Exception {
        if (trials < 1) {
            throw new IllegalArgumentException("at least one trial: " + trials);
        }
        List<TrialTimes> muster = new ArrayList<>();
        List<TrialTimes> inBand = new ArrayList<>();
        List<TrialTimes> upgrade = new ArrayList<>();
        try (MusterTrials musterTrials = MusterTrials.start(servers, Files.createDirectories(dir.resolve("muster")));
                InBandSignal signal = InBandSignal.setUp(servers);
                UpgradeTrials upgradeTrials =
                        UpgradeTrials.start(servers, Files.createDirectories(dir.resolve("upgrade")))) {
            InBandTrials inBandTrials = new InBandTrials(servers, signal, dir.resolve("inband-migrations"));
            Random pauses = new Random(PAUSE_SEED);
            for (int trial = 1; trial <= warmUp + trials; trial++) {
                Duration pause = Duration.ofMillis(pauses.nextInt((int) InBandSignal.POLL.toMillis()));
                TrialTimes musterTrial = musterTrials.run(trial, pause);
                TrialTimes inBandTrial = inBandTrials.run(trial, pause);
                TrialTimes upgradeTrial = upgradeTrials.run(trial);
                boolean counted = trial > warmUp;
                if (counted) {
                    muster.add(musterTrial);
                    inBand.add(inBandTrial);
                    upgrade.add(upgradeTrial);
                }
                out.printf(
                        Locale.ROOT,
                        "release latency, trial %d of %d%s: muster %s; in-band %s; muster upgrade %s%n",
                        trial,
                        warmUp + trials,
                        counted ? "" : " (warm-up)",
                        describe(musterTrial, musterTrial.afterRegionTwo()),
                        describe(inBandTrial, inBandTrial.afterRegionTwo()),
                        describe(upgradeTrial, upgradeTrial.afterLastRemote()));
            }
        }
        return new ReleaseLatencyResults(muster, inBand, upgrade, warmUp);
    }

    /** The latency, and the times it is taken from in the clock of this JVM's log lines, to read beside them. */
    private static String describe(TrialTimes trial, Duration latency) {
        return String.format(
                Locale.ROOT,
                "%d ms (region 1 committed %s, region 2 %s, the global began %s)",
                latency.toMillis(),
                LOG_CLOCK.format(trial.regionOneCommitted()),
                LOG_CLOCK.format(trial.regionTwoCommitted()),
                LOG_CLOCK.format(trial.globalInstalled()));
    }
}
