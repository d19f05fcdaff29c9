package io.leap.client;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Per-listener delivery options: filters, buffer, overflow policy and delivery mode. Immutable; each {@code with...}
 * returns a copy. Unset values fall back to the client's defaults ({@link LeapClient.Builder#bufferSize(int)},
 * {@link LeapClient.Builder#overflowPolicy(OverflowPolicy)}).
 *
 * <pre>{@code
 * client.addMessageListener(this::onPrice, ListenerOptions.defaults()
 *         .withChannels("prices", "fx")                 // only these channels
 *         .withEvents("price.updated")                  // only these event names
 *         .withBufferSize(10_000)
 *         .withOverflowPolicy(OverflowPolicy.DROP_OLDEST));
 * }</pre>
 *
 * <p>Filters are applied on the reading thread before an event enters the listener's buffer, so filtered-out events
 * cost the listener nothing and never count as dropped. For messages the event filter matches the user's event name
 * ({@link LeapMessage#event()}); for channel events it matches the dispatch name ({@link ChannelEvent#eventName()}, e.g.
 * {@code STATE_UPDATE}). Events not tied to a channel (e.g. {@code TOKEN_STATE_UPDATE}) never pass a channel filter.
 */
public final class ListenerOptions {

    private static final ListenerOptions DEFAULTS =
            new ListenerOptions(0, null, null, null, null, DeliveryMode.BUFFERED);

    private final int bufferSize;
    private final OverflowPolicy overflowPolicy;
    private final String name;
    private final Set<String> channels;
    private final Set<String> events;
    private final DeliveryMode deliveryMode;

    private ListenerOptions(
            int bufferSize,
            OverflowPolicy overflowPolicy,
            String name,
            Set<String> channels,
            Set<String> events,
            DeliveryMode deliveryMode) {
        this.bufferSize = bufferSize;
        this.overflowPolicy = overflowPolicy;
        this.name = name;
        this.channels = channels;
        this.events = events;
        this.deliveryMode = deliveryMode;
    }

    /** @return options that use the client's defaults, with no filter */
    public static ListenerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param bufferSize maximum number of events waiting for this listener, at least 1
     * @return a copy with that buffer size
     */
    public ListenerOptions withBufferSize(int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, was " + bufferSize);
        }
        return new ListenerOptions(bufferSize, overflowPolicy, name, channels, events, deliveryMode);
    }

    /**
     * @param overflowPolicy what to do when the buffer is full
     * @return a copy with that policy
     */
    public ListenerOptions withOverflowPolicy(OverflowPolicy overflowPolicy) {
        return new ListenerOptions(
                bufferSize,
                Objects.requireNonNull(overflowPolicy, "overflowPolicy"),
                name,
                channels,
                events,
                deliveryMode);
    }

    /**
     * @param name a name used in logs (e.g. the listener's bean name)
     * @return a copy with that name
     */
    public ListenerOptions withName(String name) {
        return new ListenerOptions(
                bufferSize, overflowPolicy, Objects.requireNonNull(name, "name"), channels, events, deliveryMode);
    }

    /**
     * @param channelIds only events of these channels reach the listener (at least one)
     * @return a copy with that channel filter
     */
    public ListenerOptions withChannels(String... channelIds) {
        return withChannels(Arrays.asList(channelIds));
    }

    /**
     * @param channelIds only events of these channels reach the listener (at least one)
     * @return a copy with that channel filter
     */
    public ListenerOptions withChannels(Collection<String> channelIds) {
        return new ListenerOptions(
                bufferSize, overflowPolicy, name, filter(channelIds, "channelIds"), events, deliveryMode);
    }

    /**
     * @param eventNames only events with these names reach the listener (at least one)
     * @return a copy with that event filter
     */
    public ListenerOptions withEvents(String... eventNames) {
        return withEvents(Arrays.asList(eventNames));
    }

    /**
     * @param eventNames only events with these names reach the listener (at least one)
     * @return a copy with that event filter
     */
    public ListenerOptions withEvents(Collection<String> eventNames) {
        return new ListenerOptions(
                bufferSize, overflowPolicy, name, channels, filter(eventNames, "eventNames"), deliveryMode);
    }

    /**
     * @param deliveryMode which thread runs the listener (default {@link DeliveryMode#BUFFERED})
     * @return a copy with that mode
     */
    public ListenerOptions withDeliveryMode(DeliveryMode deliveryMode) {
        return new ListenerOptions(
                bufferSize,
                overflowPolicy,
                name,
                channels,
                events,
                Objects.requireNonNull(deliveryMode, "deliveryMode"));
    }

    private static Set<String> filter(Collection<String> values, String what) {
        Objects.requireNonNull(values, what);
        Set<String> set = Set.copyOf(values);
        if (set.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (String v : set) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException(what + " must not contain an empty name");
            }
        }
        return set;
    }

    /** @return the buffer size, or 0 for the client's default */
    public int bufferSize() {
        return bufferSize;
    }

    /** @return the overflow policy, or {@code null} for the client's default */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /** @return the name used in logs, or {@code null} */
    public String name() {
        return name;
    }

    /** @return the channel filter, or {@code null} for all channels */
    public Set<String> channels() {
        return channels;
    }

    /** @return the event-name filter, or {@code null} for all events */
    public Set<String> events() {
        return events;
    }

    /** @return the delivery mode */
    public DeliveryMode deliveryMode() {
        return deliveryMode;
    }

    /**
     * @param channelId an event's channel ({@code null} if not tied to one)
     * @param eventName its name
     * @return whether the filters let it through
     */
    public boolean accepts(String channelId, String eventName) {
        return (channels == null || (channelId != null && channels.contains(channelId)))
                && (events == null || (eventName != null && events.contains(eventName)));
    }

    @Override
    public String toString() {
        return "ListenerOptions[bufferSize=" + (bufferSize == 0 ? "default" : bufferSize) + ", overflowPolicy="
                + (overflowPolicy == null ? "default" : overflowPolicy) + ", name=" + name + ", channels="
                + (channels == null ? "all" : channels) + ", events=" + (events == null ? "all" : events)
                + ", deliveryMode=" + deliveryMode + "]";
    }
}
