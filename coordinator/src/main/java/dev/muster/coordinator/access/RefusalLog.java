package dev.muster.coordinator.access;

import dev.muster.common.tls.ReloadingTrustManager;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.hub.FleetHub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where parties turned away are told to the fleet's event log: certificates refused at the
 * TLS handshake, agents and operators whose certificates do not allow what they asked. Every
 * refusal is counted ({@code muster_refusals_total}); the {@link RefusalThrottle} decides
 * which are recorded. Handshake refusals arrive on network threads and are handed to a
 * thread of this log's own, so that a TLS handshake never waits for the hub.
 */
public final class RefusalLog implements ReloadingTrustManager.Refusals, AutoCloseable {

    private final FleetHub hub;
    private final RefusalThrottle throttle;
    private final MeterRegistry registry;
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "muster-refusals");
        thread.setDaemon(true);
        return thread;
    });

    public RefusalLog(FleetHub hub, Clock clock, MeterRegistry registry) {
        this.hub = hub;
        this.throttle = new RefusalThrottle(clock);
        this.registry = registry;
        for (String stage : new String[] {"handshake", "agent", "operator"}) {
            counter(stage);
        }
    }

    /**
     * At the handshake. What the certificate names is a claim nobody verified, so it goes
     * into the words, not into the event's region.
     */
    @Override
    public void refused(X509Certificate certificate, String reason) {
        counter("handshake").increment();
        try {
            recorder.execute(() -> record(EventKind.REFUSED, null, "a client at the TLS handshake", reason, reason));
        } catch (RejectedExecutionException e) {
            // closed: the coordinator is stopping
        }
    }

    /** An agent session refused for its certificate; {@code region} is the region it claimed, if any. */
    public void agentRefused(Caller caller, Integer region, Denial denial) {
        counter("agent").increment();
        record(EventKind.REFUSED, region, caller.actor(), denial.reason(), key(caller, denial));
    }

    /** An operator's call refused for its certificate or role. */
    public void operatorDenied(Caller caller, Denial denial) {
        counter("operator").increment();
        record(EventKind.DENIED, caller.region().orElse(null), caller.actor(), denial.reason(), key(caller, denial));
    }

    /** Unverified callers by host (a port is new on every connection), verified ones by identity. */
    private static String key(Caller caller, Denial denial) {
        String who = caller.identity().map(Object::toString).orElseGet(() -> {
            int colon = caller.peer().lastIndexOf(':');
            return colon > 0 ? caller.peer().substring(0, colon) : caller.peer();
        });
        return who + " " + denial.reason().replace(caller.peer(), "");
    }

    private void record(EventKind kind, Integer region, String actor, String reason, String key) {
        OptionalLong leftOut = throttle.admit(key);
        if (leftOut.isEmpty()) {
            return;
        }
        String more = leftOut.getAsLong() == 0
                ? ""
                : " (" + leftOut.getAsLong() + " refusals before this one were "
                        + "counted in muster_refusals_total but not recorded)";
        hub.turnedAway(kind, region, actor, reason + more);
    }

    private Counter counter(String stage) {
        return Counter.builder("muster_refusals")
                .description("Parties turned away, by where: at the TLS handshake, "
                        + "agent sessions, operators' calls (all of them; the event log records a sample)")
                .tag("stage", stage)
                .register(registry);
    }

    @Override
    public void close() {
        recorder.shutdown();
        try {
            recorder.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
