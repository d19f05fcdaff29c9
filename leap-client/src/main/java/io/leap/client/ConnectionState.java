package io.leap.client;

/**
 * The lifecycle state of a {@link LeapClient}.
 *
 * <p>A client starts {@link #IDLE}. {@link LeapClient#connect()} moves it to {@link #CONNECTING} (opening the socket),
 * then {@link #AUTHENTICATING} (socket open, waiting for Hello, Identify sent, waiting for {@code INIT}) and
 * {@link #CONNECTED} once {@code INIT} arrives. A lost connection moves it to {@link #ERRORED}; if it will reconnect, it
 * goes through {@code CONNECTING → AUTHENTICATING → CONNECTED} again. {@link #CLOSED} is final and only reached through
 * {@link LeapClient#close()}.
 */
public enum ConnectionState {
    /** Created, {@link LeapClient#connect()} not called yet. */
    IDLE,
    /** Opening the WebSocket. */
    CONNECTING,
    /** Socket open; waiting for Hello, sending Identify and waiting for {@code INIT}. */
    AUTHENTICATING,
    /** {@code INIT} received: the connection is usable. */
    CONNECTED,
    /**
     * The connection failed or was lost. {@link ConnectionStateChange#willReconnect()} tells whether the client will
     * try again (it does not after close code 4001, after a failed first {@code connect()}, or when reconnecting is
     * disabled or exhausted).
     */
    ERRORED,
    /** {@link LeapClient#close()} was called. Final. */
    CLOSED
}
