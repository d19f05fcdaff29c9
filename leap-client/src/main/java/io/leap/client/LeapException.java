package io.leap.client;

/** Base class of every exception thrown by the Leap client. Unchecked. Messages never contain the token. */
public class LeapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public LeapException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying cause
     */
    public LeapException(String message, Throwable cause) {
        super(message, cause);
    }
}
