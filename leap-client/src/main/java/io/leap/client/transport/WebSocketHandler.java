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
     * Whether this handler takes text frames as raw UTF-8 bytes ({@link #onTextUtf8}). A transport that reads bytes
     * itself (rather than getting characters from a library) checks this once per connection and, if {@code true},
     * hands text over undecoded: decoding to characters is wasted work for a handler that parses UTF-8. Default:
     * {@code false}.
     *
     * @return {@code true} if {@link #onTextUtf8} may be called instead of {@link #onText}
     */
    default boolean acceptsUtf8Text() {
        return false;
    }

    /**
     * A text frame or a fragment of one, as the UTF-8 bytes received (a fragment may end inside a character; the
     * bytes are not validated by the transport). Called instead of {@link #onText} only if {@link #acceptsUtf8Text()}
     * returned {@code true}; same return contract. The default implementation throws
     * {@link UnsupportedOperationException}.
     *
     * @param data the bytes (position to limit); valid only until this method returns
     * @param last {@code true} if this completes the message
     * @return {@code null} to receive the next frame at once, or a stage that completes when the handler is ready for it
     */
    default CompletionStage<?> onTextUtf8(ByteBuffer data, boolean last) {
        throw new UnsupportedOperationException("This handler takes text as characters (acceptsUtf8Text() is false)");
    }

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
