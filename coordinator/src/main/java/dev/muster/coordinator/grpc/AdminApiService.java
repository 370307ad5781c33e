package dev.muster.coordinator.grpc;

import dev.muster.common.region.RegionNumber;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.fleet.UpgradePlan;
import dev.muster.coordinator.hub.CodeRefresh;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.ChangeRegionRequest;
import dev.muster.proto.v1.ChangeReply;
import dev.muster.proto.v1.FleetEvent;
import dev.muster.proto.v1.FleetStatus;
import dev.muster.proto.v1.ForceReleaseRequest;
import dev.muster.proto.v1.GetPlanRequest;
import dev.muster.proto.v1.GetStatusRequest;
import dev.muster.proto.v1.PauseRequest;
import dev.muster.proto.v1.Plan;
import dev.muster.proto.v1.ResumeRequest;
import dev.muster.proto.v1.UpgradeProgress;
import dev.muster.proto.v1.UpgradeRequest;
import dev.muster.proto.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operators' endpoint. Reads answer from the hub's state at once; a change is made on
 * the hub and answered once it is stored, so that an operator who saw "done" knows a
 * coordinator restart keeps it. Nothing here waits on a gRPC thread.
 */
final class AdminApiService extends AdminServiceGrpc.AdminServiceImplBase {

    static final Duration STORE_PATIENCE = Duration.ofSeconds(10);
    static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(30);

    private final FleetHub hub;
    private final String coordinatorVersion;
    private final TransportSecurity security;
    private final boolean durable;
    private final Supplier<CompletableFuture<Void>> stored;
    private final UpgradeDriver upgrades;

    AdminApiService(
            FleetHub hub,
            String coordinatorVersion,
            TransportSecurity security,
            boolean durable,
            Supplier<CompletableFuture<Void>> stored,
            UpgradeDriver upgrades) {
        this.hub = hub;
        this.coordinatorVersion = coordinatorVersion;
        this.security = security;
        this.durable = durable;
        this.stored = stored;
        this.upgrades = upgrades;
    }

    @Override
    public void upgrade(UpgradeRequest request, StreamObserver<UpgradeProgress> responses) {
        String mode = request.getTeardownMode().isBlank() ? "drop" : request.getTeardownMode();
        if (!mode.equals("drop") && !mode.equals("disable")) {
            responses.onError(Status.INVALID_ARGUMENT
                    .withDescription("the teardown mode must be drop or disable, not '" + mode + "'")
                    .asRuntimeException());
            return;
        }
        Duration stepTimeout = request.getStepTimeoutSeconds() == 0
                ? DEFAULT_STEP_TIMEOUT
                : Duration.ofSeconds(Integer.toUnsignedLong(request.getStepTimeoutSeconds()));
        UpgradeStream stream = new UpgradeStream((ServerCallStreamObserver<UpgradeProgress>) responses);
        try {
            upgrades.start(new UpgradeDriver.Request(request.getTargetVersion(), mode, actor(), stepTimeout), stream);
        } catch (IllegalStateException e) {
            responses.onError(
                    Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<FleetStatus> responses) {
        responses.onNext(AdminMapping.status(hub.fleet(), coordinatorVersion, security, durable));
        responses.onCompleted();
    }

    /** Once the daemons have read their migration files (or a few seconds have passed): the code on disk now. */
    @Override
    public void getPlan(GetPlanRequest request, StreamObserver<Plan> responses) {
        var unused = CodeRefresh.of(hub, CodeRefresh.PATIENCE).whenCompleteAsync((read, never) -> {
            try {
                UpgradePlan plan = UpgradePlan.of(hub.fleet(), Optional.of(request.getTargetVersion()));
                responses.onNext(AdminMapping.plan(plan));
                responses.onCompleted();
            } catch (IllegalArgumentException e) {
                responses.onError(Status.FAILED_PRECONDITION
                        .withDescription(e.getMessage())
                        .asRuntimeException());
            }
        });
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<FleetEvent> responses) {
        ServerCallStreamObserver<FleetEvent> call = (ServerCallStreamObserver<FleetEvent>) responses;
        WatchStream stream = new WatchStream(call, hub::unobserve);
        call.setOnCancelHandler(() -> {
            stream.cancelled();
            hub.unobserve(stream);
        });
        long history = Integer.toUnsignedLong(request.getHistory());
        hub.observe(stream, (int) Math.min(history, FleetHub.HISTORY));
    }

    @Override
    public void addRegion(ChangeRegionRequest request, StreamObserver<ChangeReply> responses) {
        int region = request.getRegion();
        if (!validRegion(region, responses)) {
            return;
        }
        change(
                responses,
                () -> hub.addMember(region, actor()),
                "region " + region + " is now a member: the global waits for it",
                "region " + region + " was a member already");
    }

    @Override
    public void removeRegion(ChangeRegionRequest request, StreamObserver<ChangeReply> responses) {
        int region = request.getRegion();
        if (!validRegion(region, responses)) {
            return;
        }
        change(
                responses,
                () -> hub.removeMember(region, actor()),
                "region " + region + " is no longer a member: the global does not wait for it",
                "region " + region + " was not a member");
    }

    @Override
    public void pause(PauseRequest request, StreamObserver<ChangeReply> responses) {
        if (request.getReason().isBlank()) {
            responses.onError(Status.INVALID_ARGUMENT
                    .withDescription("a pause needs a reason, for the event log")
                    .asRuntimeException());
            return;
        }
        change(
                responses,
                () -> hub.pause(request.getReason(), actor()),
                "the fleet is paused: nothing is released until 'muster resume'",
                "the fleet was paused already");
    }

    @Override
    public void resume(ResumeRequest request, StreamObserver<ChangeReply> responses) {
        change(responses, () -> hub.resume(actor()), "the fleet goes on", "the fleet was not paused");
    }

    @Override
    public void forceRelease(ForceReleaseRequest request, StreamObserver<ChangeReply> responses) {
        String version = request.getVersion();
        change(
                responses,
                () -> hub.forceRelease(version, request.getReason(), actor()),
                "migration " + version + " is released to the global by force",
                "migration " + version + " was released by force already");
    }

    private void change(StreamObserver<ChangeReply> responses, BooleanSupplier action, String done, String unchanged) {
        boolean changed;
        try {
            changed = action.getAsBoolean();
        } catch (IllegalArgumentException e) {
            responses.onError(
                    Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        ChangeReply reply = ChangeReply.newBuilder()
                .setChanged(changed)
                .setMessage(changed ? done : unchanged)
                .setStored(true)
                .build();
        // a future of our own: timing it out must not complete the store's future for others
        var unused = stored.get()
                .thenApply(Function.identity())
                .orTimeout(STORE_PATIENCE.toSeconds(), TimeUnit.SECONDS)
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        responses.onNext(reply);
                    } else {
                        responses.onNext(reply.toBuilder()
                                .setStored(false)
                                .setMessage(reply.getMessage()
                                        + ", but the coordinator's database has not confirmed it (" + why(failure)
                                        + "): it is kept in memory and stored when the database is back; a restart of the "
                                        + "coordinator before then would lose it")
                                .build());
                    }
                    responses.onCompleted();
                });
    }

    private static String why(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return "not stored within " + STORE_PATIENCE.toSeconds() + " s";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static boolean validRegion(int region, StreamObserver<ChangeReply> responses) {
        long number = Integer.toUnsignedLong(region);
        if (RegionNumber.isValid(number)) {
            return true;
        }
        responses.onError(Status.INVALID_ARGUMENT
                .withDescription("region " + number + " is not a region number (0 to " + RegionNumber.MAX + ")")
                .asRuntimeException());
        return false;
    }

    /** Who asked, as the transport established it (the certificate's identity), never as the request says. */
    private static String actor() {
        return CallerInterceptor.current().actor();
    }
}
