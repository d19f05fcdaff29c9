package io.leap.spring.event;

import io.leap.client.ChannelEvent;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;
import org.springframework.core.ResolvableType;
import org.springframework.core.ResolvableTypeProvider;

/**
 * A Leap channel event (every dispatch other than messages and {@code INIT}: channel available/unavailable, state
 * updates, token state updates, ...) published as a Spring {@link ApplicationEvent}.
 *
 * <p>The event is generic in the kind of channel event, so listeners can narrow it by type:
 *
 * <pre class="code">
 * &#64;EventListener
 * void onState(LeapChannelEvent&lt;ChannelEvent.StateUpdate&gt; event) { ... }
 *
 * &#64;EventListener
 * void onAny(LeapChannelEvent&lt;?&gt; event) {
 *     switch (event.getEvent()) { ... }   // sealed ChannelEvent
 * }
 * </pre>
 *
 * @param <E> the kind of channel event
 */
public class LeapChannelEvent<E extends ChannelEvent> extends ApplicationEvent implements ResolvableTypeProvider {

    private static final long serialVersionUID = 1L;

    private final transient E event;

    /**
     * Create a new event.
     * @param source the object that published the event (the client)
     * @param event the channel event
     */
    public LeapChannelEvent(Object source, E event) {
        super(source);
        this.event = Objects.requireNonNull(event, "event");
    }

    /**
     * The channel event; a sealed type, so a {@code switch} over it is exhaustive.
     * @return the channel event
     */
    public E getEvent() {
        return this.event;
    }

    /**
     * Id of the channel the event is about.
     * @return the channel id, or {@code null} for events not tied to a channel (e.g. a token state update)
     */
    public @Nullable String getChannelId() {
        return this.event.channelId();
    }

    /**
     * Simple name of the kind of event, e.g. {@code StateUpdate}; handy in {@code @EventListener} conditions.
     * @return the kind
     */
    public String getType() {
        return this.event.getClass().getSimpleName();
    }

    @Override
    public ResolvableType getResolvableType() {
        return ResolvableType.forClassWithGenerics(LeapChannelEvent.class, this.event.getClass());
    }

    @Override
    public String toString() {
        return "LeapChannelEvent[" + this.event + "]";
    }
}
