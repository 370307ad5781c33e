package dev.muster.coordinator.grpc;

import dev.muster.coordinator.access.Denial;
import io.grpc.Status;

/** How an access decision crosses the wire. */
final class DenialStatus {

    private DenialStatus() {}

    static Status of(Denial denial) {
        return (denial.unauthenticated() ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED)
                .withDescription(denial.reason());
    }
}
