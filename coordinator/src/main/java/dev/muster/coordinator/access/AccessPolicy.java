package dev.muster.coordinator.access;

import dev.muster.common.tls.Identity;
import java.util.Optional;

/**
 * Who may do what on the coordinator, decided from the caller's certificate only. Pure: the
 * gRPC edge asks, and turns a denial into {@code UNAUTHENTICATED} or {@code PERMISSION_DENIED}.
 * Without TLS nobody is authenticated and everything is allowed: that port is reachable only
 * from this host, or the configuration said {@code insecure: true}.
 */
public final class AccessPolicy {

    private final TransportSecurity security;

    public AccessPolicy(TransportSecurity security) {
        this.security = security;
    }

    /** An agent session: only a region's certificate opens one. */
    public Optional<Denial> agentSession(Caller caller) {
        if (!security.authenticates()) {
            return Optional.empty();
        }
        return unidentified(caller, "an agent session")
                .or(() -> caller.identity()
                        .filter(Identity.Operator.class::isInstance)
                        .map(operator -> new Denial(
                                false,
                                operator.describe() + "'s certificate cannot open an agent session: "
                                        + "an agent needs a region's certificate (spiffe://" + security.trustDomain()
                                        + "/region/<N>)")));
    }

    /**
     * A session's hello: it must speak for the region its certificate names, and as the
     * global only if that region is the configured global ({@code global_region}).
     */
    public Optional<Denial> hello(Caller caller, int claimedRegion, boolean claimsGlobal) {
        if (!security.authenticates()) {
            return Optional.empty();
        }
        Optional<Integer> region = caller.region();
        if (region.isEmpty()) {
            return agentSession(caller);
        }
        if (region.get() != claimedRegion) {
            return Optional.of(new Denial(
                    false,
                    "this agent's certificate names region " + region.get()
                            + ", but its hello claims region " + claimedRegion
                            + ": check 'region:' in its configuration, or "
                            + "give it region " + claimedRegion + "'s certificate"));
        }
        int global = security.globalRegion().orElseThrow();
        if (claimsGlobal && claimedRegion != global) {
            return Optional.of(new Denial(
                    false,
                    "region " + claimedRegion + "'s agent says it is the global, but the "
                            + "coordinator's configuration names region " + global
                            + " the global (global_region): fix 'role' "
                            + "in the agent's configuration, or global_region in the coordinator's"));
        }
        if (!claimsGlobal && claimedRegion == global) {
            return Optional.of(new Denial(
                    false,
                    "region " + global + " is the global in the coordinator's "
                            + "configuration (global_region), but its agent says it is a remote: fix 'role' in its "
                            + "configuration"));
        }
        return Optional.empty();
    }

    /** An operator's call: an operator's certificate, and a role that covers the action. */
    public Optional<Denial> admin(Caller caller, AdminAction action) {
        if (!security.authenticates()) {
            return Optional.empty();
        }
        Optional<Denial> unknown = unidentified(caller, "muster " + action.command());
        if (unknown.isPresent()) {
            return unknown;
        }
        Identity identity = caller.identity().orElseThrow();
        if (!(identity instanceof Identity.Operator operator)) {
            return Optional.of(new Denial(
                    false,
                    identity.describe() + "'s certificate cannot call the operators' API (" + "muster "
                            + action.command() + "): that takes an operator's certificate"));
        }
        Optional<OperatorRole> role = security.operators().roleOf(operator.name());
        if (role.isEmpty()) {
            return Optional.of(new Denial(
                    false,
                    operator.describe() + " has no role here and may not run 'muster "
                            + action.command() + "': it needs the "
                            + action.needs().key() + " role (list '" + operator.name()
                            + "' under operators." + action.needs().key() + " in the coordinator's configuration)"));
        }
        if (!role.get().covers(action.needs())) {
            return Optional.of(new Denial(
                    false,
                    operator.describe() + " is a " + role.get().key() + " and may not run " + "'muster "
                            + action.command() + "': it needs the "
                            + action.needs().key() + " role"));
        }
        return Optional.empty();
    }

    private Optional<Denial> unidentified(Caller caller, String what) {
        if (caller.identity().isPresent()) {
            return Optional.empty();
        }
        if (caller.distrust().isPresent()) {
            return Optional.of(new Denial(true, caller.distrust().get()));
        }
        if (!caller.certificate()) {
            return Optional.of(new Denial(
                    true,
                    "the coordinator requires a client certificate for " + what
                            + ", and the client at " + caller.peer() + " showed none (agents: coordinator.tls in their "
                            + "configuration; muster: --tls-cert, --tls-key and --tls-ca, or MUSTER_TLS_CERT, MUSTER_TLS_KEY "
                            + "and MUSTER_TLS_CA)"));
        }
        return Optional.of(new Denial(
                true,
                "the client certificate names no muster identity in trust domain '"
                        + security.trustDomain() + "' (its URIs: "
                        + (caller.certificateNames().isEmpty() ? "none" : String.join(", ", caller.certificateNames()))
                        + "); expected exactly one of spiffe://"
                        + security.trustDomain() + "/region/<N> or spiffe://" + security.trustDomain()
                        + "/operator/<name>"));
    }
}
