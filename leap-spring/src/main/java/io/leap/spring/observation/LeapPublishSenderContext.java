package io.leap.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.util.Objects;

/**
 * Context of the {@code leap.client.publish} observation: the channel and the event name of a message published over
 * the socket. Leap frames carry no headers (protocol spec, {@code docs/spec/leap-edge-protocol.md}), so there is no
 * carrier and nothing is propagated; a tracer still records a producer span, child of the current one.
 */
public class LeapPublishSenderContext extends SenderContext<Object> {

    private final String channelId;

    private final String event;

    /**
     * Create a context.
     * @param channelId the channel ID published to
     * @param event the user's event name
     */
    public LeapPublishSenderContext(String channelId, String event) {
        super((carrier, key, value) -> {}, Kind.PRODUCER);
        this.channelId = Objects.requireNonNull(channelId, "channelId");
        this.event = Objects.requireNonNull(event, "event");
        setRemoteServiceName("leap");
    }

    /**
     * The channel ID published to.
     * @return the channel ID
     */
    public String getChannelId() {
        return this.channelId;
    }

    /**
     * The user's event name.
     * @return the event name
     */
    public String getEvent() {
        return this.event;
    }
}
