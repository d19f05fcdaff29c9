package io.leap.client.transport;

import java.util.concurrent.CompletableFuture;

/** An open WebSocket, as returned by {@link WebSocketTransport#connect}. */
public interface WebSocketConnection {

    /**
     * Sends one text message. May be called from any thread, also while a previous send is in progress: implementations
     * queue sends and write them in call order.
     *
     * @param text the complete message
     * @return completes when the message was handed to the network, or exceptionally if it could not be sent
     */
    CompletableFuture<Void> sendText(String text);

    /**
     * Starts the closing handshake. Idempotent.
     *
     * @param statusCode the close code (e.g. 1000)
     * @param reason     the close reason (at most 123 UTF-8 bytes)
     * @return completes when the close frame was sent
     */
    CompletableFuture<Void> close(int statusCode, String reason);

    /** Closes the TCP connection at once, without a close frame. Idempotent. */
    void abort();
}
