package io.leap.client.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Receives what a {@link WebSocketConnection} reads. Implemented by the client; called by transports (see the contract
 * in {@link WebSocketTransport}).
 */
public interface WebSocketHandler {

    /**
     * The connection is open. Called once, before any other method and before the future returned by
     * {@link WebSocketTransport#connect} completes, so the handler can send at once (e.g. in reply to the first frame).
     *
     * @param connection the open connection
     */
    void onOpen(WebSocketConnection connection);

    /**
     * A text frame or a fragment of one.
     *
     * @param data the characters; valid only until this method returns
     * @param last {@code true} if this completes the message
     * @return {@code null} to receive the next frame at once, or a stage that completes when the handler is ready for it
     */
    CompletionStage<?> onText(CharSequence data, boolean last);

    /**
     * A binary frame or a fragment of one.
     *
     * @param data the bytes (position to limit); valid only until this method returns
     * @param last {@code true} if this completes the message
     * @return {@code null} to receive the next frame at once, or a stage that completes when the handler is ready for it
     */
    CompletionStage<?> onBinary(ByteBuffer data, boolean last);

    /**
     * The peer closed the connection, or the connection was lost without a close frame (then use 1006).
     *
     * @param statusCode the close code
     * @param reason     the close reason, empty if none
     */
    void onClose(int statusCode, String reason);

    /**
     * The connection failed (I/O error, protocol error).
     *
     * @param error the cause
     */
    void onError(Throwable error);
}
