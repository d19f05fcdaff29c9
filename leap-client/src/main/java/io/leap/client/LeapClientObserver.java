package io.leap.client;

import java.time.Duration;

/**
 * Hooks for metrics (e.g. a Micrometer binder). Every method has a no-op default. Methods are called synchronously on
 * client threads, {@link #onMessage(String)} on the socket-reading thread: keep them fast and non-blocking. An
 * exception thrown by an observer is logged and ignored.
 */
public interface LeapClientObserver {

    /** An observer that does nothing. */
    LeapClientObserver NOOP = new LeapClientObserver() {};

    /**
     * A dispatch was received and parsed.
     *
     * @param event the dispatch's event name ({@code MESSAGE}, {@code STATE_UPDATE}, ...)
     */
    default void onMessage(String event) {}

    /**
     * A reconnect attempt starts (not called for the first connection).
     *
     * @param attempt consecutive attempt number since the last stable connection, starting at 1
     */
    default void onReconnect(int attempt) {}

    /**
     * A periodic heartbeat was acknowledged.
     *
     * @param rtt time between sending the heartbeat and receiving its ack
     */
    default void onHeartbeatAck(Duration rtt) {}

    /**
     * A listener threw.
     *
     * @param error what it threw
     */
    default void onListenerError(Throwable error) {}

    /**
     * Events were dropped because a listener's buffer was full ({@code DROP_OLDEST} / {@code DROP_NEWEST}).
     *
     * @param count how many were dropped now (usually 1)
     */
    default void onDropped(long count) {}

    /**
     * A frame could not be decoded (bad JSON, bad zlib, too large) and was skipped.
     *
     * @param error the decode error
     */
    default void onDecodeError(Throwable error) {}
}
