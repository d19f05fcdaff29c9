package io.leap.client;

/**
 * Receives every connection state change of a {@link LeapClient}, strictly in order, on a delivery thread (never on the
 * socket-reading thread).
 */
@FunctionalInterface
public interface ConnectionStateListener {
    /**
     * Called once per state transition.
     *
     * @param change the transition; never {@code null}
     */
    void onStateChange(ConnectionStateChange change);
}
