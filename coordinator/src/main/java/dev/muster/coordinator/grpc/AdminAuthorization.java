package dev.muster.coordinator.grpc;

import dev.muster.coordinator.access.AccessPolicy;
import dev.muster.coordinator.access.AdminAction;
import dev.muster.coordinator.access.Caller;
import dev.muster.coordinator.access.Denial;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.proto.v1.AdminServiceGrpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.Optional;

/**
 * Lets an operator's call through only if the caller's certificate and role allow it; a
 * denied call is answered at once and recorded in the event log, and reaches nothing else.
 * Runs inside {@link CallerInterceptor}.
 */
final class AdminAuthorization implements ServerInterceptor {

    private static final Map<MethodDescriptor<?, ?>, AdminAction> ACTIONS = Map.of(
            AdminServiceGrpc.getGetStatusMethod(), AdminAction.STATUS,
            AdminServiceGrpc.getGetPlanMethod(), AdminAction.PLAN,
            AdminServiceGrpc.getWatchMethod(), AdminAction.WATCH,
            AdminServiceGrpc.getAddRegionMethod(), AdminAction.ADD_REGION,
            AdminServiceGrpc.getRemoveRegionMethod(), AdminAction.REMOVE_REGION,
            AdminServiceGrpc.getPauseMethod(), AdminAction.PAUSE,
            AdminServiceGrpc.getResumeMethod(), AdminAction.RESUME,
            AdminServiceGrpc.getForceReleaseMethod(), AdminAction.FORCE_RELEASE,
            AdminServiceGrpc.getUpgradeMethod(), AdminAction.UPGRADE);

    private final AccessPolicy policy;
    private final RefusalLog refusals;

    AdminAuthorization(AccessPolicy policy, RefusalLog refusals) {
        this.policy = policy;
        this.refusals = refusals;
    }

    /** Every method of the operators' service, with what it asks. */
    static Map<MethodDescriptor<?, ?>, AdminAction> actions() {
        return ACTIONS;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        AdminAction action = ACTIONS.get(call.getMethodDescriptor());
        Caller caller = CallerInterceptor.current();
        Optional<Denial> denial = action == null
                ? Optional.of(new Denial(
                        false, "unknown method " + call.getMethodDescriptor().getFullMethodName()))
                : policy.admin(caller, action);
        if (denial.isEmpty()) {
            return next.startCall(call, headers);
        }
        refusals.operatorDenied(caller, denial.get());
        call.close(DenialStatus.of(denial.get()), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
