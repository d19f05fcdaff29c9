package io.leap.client;

/**
 * The server (or the network) closed the connection with a WebSocket close code, e.g. 4000–4007, 1001 or 1006
 * (abnormal closure, no close frame).
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
        super("Connection closed with code " + code + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
        this.code = code;
        this.reason = reason == null ? "" : reason;
    }

    /** @return the WebSocket close code */
    public int code() {
        return code;
    }

    /** @return the close reason, empty if none */
    public String reason() {
        return reason;
    }
}
