package io.leap.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What became of one server heartbeat request (op 3 with a {@code tag}, protocol spec §5.3) sent by
 * {@link LeapServer#sendTaggedHeartbeat(String, String, Duration)}: whether the client replied with an op 3 carrying
 * the same tag, and how long that took.
 *
 * <p>The reply is what counts, not the server's ack: with heartbeat acks switched off the client's reply is still
 * recorded as {@link Outcome#ANSWERED}.
 *
 * @param connectionId the connection the request went to ({@code conn_…})
 * @param tag          the tag that was sent
 * @param sentAt       when the request was queued for the socket
 * @param outcome      whether the client answered, the wait timed out, or the connection closed first
 * @param answeredAt   when the reply arrived; {@code null} unless {@link Outcome#ANSWERED}
 * @param latency      from queuing the request to receiving the reply (the {@code latency} the server puts in its
 *                     op 4 ack, here with nanosecond resolution); {@code null} unless {@link Outcome#ANSWERED}
 */
public record TaggedHeartbeatReport(
        String connectionId, String tag, Instant sentAt, Outcome outcome, Instant answeredAt, Duration latency) {

    /** How a tagged heartbeat request ended. */
    public enum Outcome {
        /** The client replied with op 3 and the same tag. */
        ANSWERED,
        /**
         * No reply within the timeout. When the server's own tagged-heartbeat deadline passes (10 s by default), the
         * connection is also closed with 4007 (spec D-13).
         */
        TIMED_OUT,
        /** The connection closed (or was already closing) before a reply arrived. */
        CLOSED
    }

    /**
     * Checks the components.
     *
     * @throws NullPointerException     if the ID, tag, send time or outcome is missing
     * @throws IllegalArgumentException if the answer time and latency are not given exactly when answered
     */
    public TaggedHeartbeatReport {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(outcome, "outcome");
        boolean answered = outcome == Outcome.ANSWERED;
        if (answered != (answeredAt != null) || answered != (latency != null)) {
            throw new IllegalArgumentException("answeredAt and latency are set exactly when the outcome is ANSWERED");
        }
    }

    /** Whether the client replied with the same tag. */
    public boolean answered() {
        return outcome == Outcome.ANSWERED;
    }
}
