package dev.muster.coordinator.grpc;

import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.UpgradeProgress;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * An upgrade's progress, streamed to the operator who started it. The upgrade goes on if
 * the operator leaves: then nothing more is sent, and the event log has it all.
 */
final class UpgradeStream implements UpgradeDriver.Progress {

    private final ServerCallStreamObserver<UpgradeProgress> call;

    UpgradeStream(ServerCallStreamObserver<UpgradeProgress> call) {
        this.call = call;
        call.setOnCancelHandler(() -> {});
    }

    @Override
    public void line(String text) {
        send(UpgradeProgress.newBuilder().setLine(text).build(), false);
    }

    @Override
    public void finished(boolean succeeded, String summary) {
        send(
                UpgradeProgress.newBuilder()
                        .setLine(summary)
                        .setFinished(true)
                        .setSucceeded(succeeded)
                        .build(),
                true);
    }

    private synchronized void send(UpgradeProgress progress, boolean last) {
        if (call.isCancelled()) {
            return;
        }
        try {
            call.onNext(progress);
            if (last) {
                call.onCompleted();
            }
        } catch (StatusRuntimeException e) {
            // the operator left meanwhile
        }
    }
}
