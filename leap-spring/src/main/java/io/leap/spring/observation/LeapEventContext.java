package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * Context of the {@code leap.events} observation: the application event being published.
 */
public class LeapEventContext extends Observation.Context {

    private final ApplicationEvent event;

    /**
     * Create a context.
     * @param event the event being published
     */
    public LeapEventContext(ApplicationEvent event) {
        this.event = Objects.requireNonNull(event, "event");
    }

    /**
     * The event being published.
     * @return the event, usually a {@code LeapMessageEvent}, {@code LeapChannelEvent} or
     * {@code LeapConnectionStateChangedEvent}
     */
    public ApplicationEvent getEvent() {
        return this.event;
    }
}
