package io.leap.client;

import java.time.Instant;
import java.util.Objects;

/**
 * An immutable connection state transition, delivered to {@link ConnectionStateListener}s strictly in the order the
 * transitions happened.
 *
 * @param previous      the state before the change
 * @param current       the state after the change
 * @param error         the cause when {@code current} is {@link ConnectionState#ERRORED}, otherwise {@code null};
 *                      typically a {@link LeapCloseException} (with the close code), a {@link LeapAuthenticationException}
 *                      (4001), a {@link LeapTimeoutException} (dead link) or a {@link LeapConnectException}
 * @param willReconnect {@code true} if the client will try to connect again by itself
 * @param nextAttemptAt when the next connection attempt is scheduled, or {@code null} if none is
 * @param at            when the change happened
 */
public record ConnectionStateChange(
        ConnectionState previous,
        ConnectionState current,
        Throwable error,
        boolean willReconnect,
        Instant nextAttemptAt,
        Instant at) {

    /** Validates the non-null components. */
    public ConnectionStateChange {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(at, "at");
    }
}
