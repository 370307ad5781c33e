package dev.muster.coordinator.access;

/**
 * Why a caller is turned away, in words it can act on.
 *
 * @param unauthenticated true when the caller's identity is unknown (no certificate, or one
 *                        naming no muster identity), false when it is known and not allowed
 */
public record Denial(boolean unauthenticated, String reason) {}
