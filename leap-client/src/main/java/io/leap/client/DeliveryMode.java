package io.leap.client;

/**
 * Which thread runs a listener.
 *
 * <pre>{@code
 * client.addMessageListener(m -> counter.increment(), ListenerOptions.defaults().withDeliveryMode(DeliveryMode.INLINE));
 * }</pre>
 */
public enum DeliveryMode {
    /**
     * The default: each listener has its own bounded buffer drained on a delivery thread, so a slow listener never holds
     * the socket (unless its {@link OverflowPolicy#BLOCK} buffer is full).
     */
    BUFFERED,
    /**
     * The listener runs on the transport's reading thread, with no hand-off: the lowest latency and CPU, at the price
     * that a slow listener holds the socket for every listener and for heartbeats (like {@link OverflowPolicy#BLOCK}
     * with no buffer). Use it for short, non-blocking work. While the registration is paused, events are buffered and
     * delivered on a delivery thread after {@link ListenerRegistration#resume()}; inline delivery picks up again once
     * that buffer is empty.
     */
    INLINE
}
