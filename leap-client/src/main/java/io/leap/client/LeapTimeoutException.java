package io.leap.client;

/** Something did not happen in time: a subscribe answer, a heartbeat ack, or data on a silent link. */
public class LeapTimeoutException extends LeapException {
    private static final long serialVersionUID = 1L;

    /** @param message what timed out */
    public LeapTimeoutException(String message) {
        super(message);
    }
}
