package io.leap.client.transport;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The small SPI between {@link io.leap.client.LeapClient} and a WebSocket library. The default is
 * {@link JdkWebSocketTransport} ({@code java.net.http}); other adapters (e.g. Spring's {@code WebSocketClient}) implement
 * this interface plus {@link WebSocketConnection}.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Call the handler's methods from one thread at a time, in the order frames arrive.</li>
 *   <li>After {@link WebSocketHandler#onText} / {@link WebSocketHandler#onBinary} returns a non-null stage, deliver
 *       no further message until that stage completes (this is how {@code OverflowPolicy.BLOCK} stops reading). An
 *       adapter for a blocking library may simply wait for the stage; one for a non-blocking library should delay its
 *       demand (e.g. {@code WebSocket.request(1)}).</li>
 *   <li>The data passed to the handler is only valid until the callback returns.</li>
 *   <li>Accept messages of at least 16 MiB (fragmented or not).</li>
 *   <li>Call exactly one of {@link WebSocketHandler#onClose} or {@link WebSocketHandler#onError} once the connection
 *       ends (not after {@link WebSocketConnection#abort()} was called by the client, though calling it is harmless).</li>
 * </ul>
 */
public interface WebSocketTransport extends AutoCloseable {

    /**
     * Opens a WebSocket (no subprotocol, no extra headers).
     *
     * @param uri     the {@code ws://} or {@code wss://} URL, query included
     * @param handler receives frames and the end of the connection
     * @param timeout how long opening may take
     * @return completes with the open connection, or exceptionally if the upgrade fails or times out
     */
    CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout);

    /**
     * Releases the transport's resources (threads, selectors). The client calls it on close only for transports it
     * created itself. Default: nothing.
     */
    @Override
    default void close() {}
}
