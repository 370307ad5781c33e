package dev.muster.coordinator.grpc;

import dev.muster.common.tls.Certificates;
import dev.muster.common.tls.Identity;
import dev.muster.common.tls.ReloadingTrustManager;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.hub.FleetHub;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts certificates refused at the TLS handshake (expired, not yet valid, from another CA)
 * into the event log, naming the region the certificate claims. A client retrying with the
 * same certificate is recorded once a minute, so that no one outside the CA can fill the
 * log by knocking.
 */
final class HandshakeRefusals implements ReloadingTrustManager.Refusals {

    static final Duration QUIET = Duration.ofMinutes(1);
    private static final int REMEMBERED = 256;

    private final FleetHub hub;
    private final String trustDomain;
    private final Clock clock;
    // Guarded by this: when each reason was last recorded, oldest first.
    private final Map<String, Instant> recorded = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    };

    HandshakeRefusals(FleetHub hub, String trustDomain, Clock clock) {
        this.hub = hub;
        this.trustDomain = trustDomain;
        this.clock = clock;
    }

    @Override
    public void refused(X509Certificate certificate, String reason) {
        if (!firstInAWhile(reason)) {
            return;
        }
        Integer region = Certificates.identity(certificate, trustDomain)
                .filter(Identity.Region.class::isInstance)
                .map(identity -> ((Identity.Region) identity).number())
                .orElse(null);
        hub.turnedAway(EventKind.REFUSED, region, "a client at the TLS handshake", reason);
    }

    private synchronized boolean firstInAWhile(String reason) {
        Instant now = clock.instant();
        Instant last = recorded.get(reason);
        if (last != null && now.isBefore(last.plus(QUIET))) {
            return false;
        }
        recorded.put(reason, now);
        return true;
    }
}
