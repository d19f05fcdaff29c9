package io.leap.client;

/**
 * The server rejected Identify (close code 4001, also used when the token is deleted). The client does not reconnect
 * after it.
 */
public class LeapAuthenticationException extends LeapCloseException {
    private static final long serialVersionUID = 1L;

    /** @param reason the close reason sent by the server */
    public LeapAuthenticationException(String reason) {
        super(4001, reason);
    }
}
