package io.leap.client;

/** The client was closed with {@link LeapClient#close()}; pending and new operations fail with this. */
public class LeapClosedException extends LeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what was attempted or interrupted */
    public LeapClosedException(String message) {
        super(message);
    }
}
