package io.leap.client;

/**
 * Receives channel events (every dispatch other than messages and {@code INIT}), each listener in socket order, on a
 * delivery thread. The answer to this client's own {@link LeapClient#subscribe(String)} or
 * {@link LeapClient#unsubscribe(String)} is not dispatched here: it completes the returned future instead.
 */
@FunctionalInterface
public interface ChannelEventListener {
    /**
     * Called once per event.
     *
     * @param event the event; match on its sealed subtypes
     */
    void onEvent(ChannelEvent event);
}
