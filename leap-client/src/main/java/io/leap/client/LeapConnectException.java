package io.leap.client;

/** The socket could not be opened, Hello did not arrive in time, or the connection was lost. */
public class LeapConnectException extends LeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public LeapConnectException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying cause
     */
    public LeapConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
