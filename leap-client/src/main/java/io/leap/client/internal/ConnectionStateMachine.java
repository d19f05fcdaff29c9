package io.leap.client.internal;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's lifecycle: the {@link ConnectionState}, whether lost connections are re-established ({@code running})
 * and whether the client is closed. Every transition is published, in order, to the state listeners. Not
 * thread-safe: called under the client's lock, which is what keeps state events ordered.
 *
 * <pre>
 * IDLE ─connect→ CONNECTING ─open→ AUTHENTICATING ─INIT→ CONNECTED
 *                     └──────────────┴──────────────────────┴─lost→ ERRORED ─(backoff)→ CONNECTING
 * any ─close→ CLOSED
 * </pre>
 */
final class ConnectionStateMachine {

    private static final Logger log = LoggerFactory.getLogger(io.leap.client.LeapClient.class);

    private final int clientId;
    private final Scheduler clock;
    private final Consumer<ConnectionStateChange> publisher;

    private ConnectionState state = ConnectionState.IDLE;
    private ConnectionStateChange lastChange;
    private boolean running;
    private boolean closed;
    /** The application asked for {@code disconnect()}: the loss that follows is expected, not news. */
    private boolean disconnectRequested;

    ConnectionStateMachine(int clientId, Scheduler clock, Consumer<ConnectionStateChange> publisher) {
        this.clientId = clientId;
        this.clock = clock;
        this.publisher = publisher;
    }

    ConnectionState state() {
        return state;
    }

    ConnectionStateChange lastChange() {
        return lastChange;
    }

    /** @return whether lost connections are re-established (once the first attempt identified, or if asked to retry) */
    boolean running() {
        return running;
    }

    void running(boolean running) {
        this.running = running;
    }

    boolean closed() {
        return closed;
    }

    /**
     * @param reconnectPending whether a reconnect is scheduled
     * @return whether {@code connect()} may start a first connection now
     */
    boolean canStart(boolean reconnectPending) {
        return !closed
                && (state == ConnectionState.IDLE
                        || (state == ConnectionState.ERRORED && !running && !reconnectPending));
    }

    /** The application disconnects: the next loss is logged as requested, not as a lost connection. */
    void disconnectRequested() {
        disconnectRequested = true;
    }

    /** A connection attempt begins. */
    void connecting() {
        disconnectRequested = false;
        transition(ConnectionState.CONNECTING, null, false, null);
    }

    /** The socket opened: Hello and INIT are awaited. */
    void authenticating() {
        transition(ConnectionState.AUTHENTICATING, null, false, null);
    }

    /** INIT arrived. */
    void connected() {
        transition(ConnectionState.CONNECTED, null, false, null);
    }

    /**
     * The connection was lost.
     *
     * @param delay the delay before the next attempt, or {@code null} if there will be none
     */
    void errored(Throwable error, Duration delay) {
        boolean willReconnect = delay != null;
        if (!willReconnect) {
            running = false;
        }
        transition(
                ConnectionState.ERRORED,
                error,
                willReconnect,
                willReconnect ? clock.now().plus(delay) : null);
    }

    /** @return {@code false} if already closed; otherwise moves to CLOSED for good */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        running = false;
        transition(ConnectionState.CLOSED, null, false, null);
        return true;
    }

    private void transition(ConnectionState next, Throwable error, boolean willReconnect, Instant nextAttemptAt) {
        ConnectionStateChange change =
                new ConnectionStateChange(state, next, error, willReconnect, nextAttemptAt, clock.now());
        state = next;
        lastChange = change;
        publisher.accept(change);
        if (next == ConnectionState.ERRORED && disconnectRequested) {
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .addKeyValue("previous", change.previous())
                    .log("Disconnected by the application (client {}, was {})", clientId, change.previous());
        } else if (next == ConnectionState.ERRORED) {
            log.atInfo()
                    .addKeyValue("client", clientId)
                    .addKeyValue("previous", change.previous())
                    .addKeyValue("willReconnect", willReconnect)
                    .addKeyValue("nextAttemptAt", nextAttemptAt)
                    .log(
                            "Connection lost: {} (client {}, was {}; {})",
                            error == null ? "unknown cause" : error.getMessage(),
                            clientId,
                            change.previous(),
                            willReconnect ? "next attempt at " + nextAttemptAt : "no reconnect");
        } else {
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .addKeyValue("previous", change.previous())
                    .addKeyValue("current", next)
                    .log("Connection state {} -> {} (client {})", change.previous(), next, clientId);
        }
    }
}
