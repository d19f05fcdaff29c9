package io.leap.client;

import io.leap.client.internal.Redaction;

/**
 * The server (or the network) closed the connection with a WebSocket close code, e.g. 4000–4007, 1001 or 1006
 * (abnormal closure, no close frame). Anything in the reason that looks like a token or credential is redacted, in the
 * message and in {@link #reason()}.
 */
public class LeapCloseException extends LeapConnectException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    /**
     * @param code   the WebSocket close code
     * @param reason the close reason sent by the server (may be empty)
     */
    public LeapCloseException(int code, String reason) {
        this(code, reason == null ? "" : Redaction.redactText(reason), true);
    }

    private LeapCloseException(int code, String redacted, boolean marker) {
        super("Connection closed with code " + code + (redacted.isEmpty() ? "" : " (" + redacted + ")"));
        this.code = code;
        this.reason = redacted;
    }

    /** @return the WebSocket close code */
    public int code() {
        return code;
    }

    /** @return the close reason (redacted), empty if none */
    public String reason() {
        return reason;
    }
}
