package dev.muster.coordinator.hub;

/** An agent sent a message that the session protocol does not allow at this point. */
public final class ProtocolViolation extends RuntimeException {

    public ProtocolViolation(String message) {
        super(message);
    }
}
