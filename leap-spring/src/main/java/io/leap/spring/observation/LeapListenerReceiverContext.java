package io.leap.spring.observation;

import io.leap.client.LeapMessage;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Objects;

/**
 * Context of the {@code leap.listener} observation: the received {@link LeapMessage} (the carrier) and the ID of the
 * listener. Leap frames carry no headers (protocol spec, {@code docs/spec/leap-edge-protocol.md}), so there is no
 * trace context to extract: the observation continues the trace current on the delivery thread, if any, and the
 * listener's own observed calls (such as {@code LeapTemplate} requests) become its children.
 */
public class LeapListenerReceiverContext extends ReceiverContext<LeapMessage> {

    private final String listenerId;

    private final LeapMessage message;

    /**
     * Create a context.
     * @param listenerId the ID of the listener container
     * @param message the message delivered to the listener
     */
    public LeapListenerReceiverContext(String listenerId, LeapMessage message) {
        super((carrier, key) -> null, Kind.CONSUMER);
        this.listenerId = Objects.requireNonNull(listenerId, "listenerId");
        this.message = Objects.requireNonNull(message, "message");
        setCarrier(message);
        setRemoteServiceName("leap");
    }

    /**
     * The ID of the listener container.
     * @return the listener ID
     */
    public String getListenerId() {
        return this.listenerId;
    }

    /**
     * The message delivered to the listener.
     * @return the message
     */
    public LeapMessage getMessage() {
        return this.message;
    }
}
