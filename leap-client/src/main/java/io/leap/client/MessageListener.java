package io.leap.client;

/**
 * Receives channel messages ({@code MESSAGE}) and direct messages ({@code DIRECT_MESSAGE}), each listener in socket
 * order, on a delivery thread. An exception thrown here is logged and counted and affects nobody else.
 */
@FunctionalInterface
public interface MessageListener {
    /**
     * Called once per message.
     *
     * @param message the message; its data is converted lazily on first access
     */
    void onMessage(LeapMessage message);
}
