package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * An {@link ApplicationEventPublisher} that records a {@code leap.events} observation around the publication of
 * each {@link ApplicationEvent} and hands it to a delegate (the application context). Give it to
 * {@code LeapApplicationEventBridge} in place of the context to observe the bridge's deliveries; the Spring Boot
 * auto-configuration does so when {@code leap.events.observation-enabled=true}.
 *
 * <p>The observation is current (its scope is open) while the synchronous listeners run, so their own observed calls
 * become its children. A listener's exception is recorded as the observation's error and rethrown unchanged. Objects
 * that are not {@link ApplicationEvent}s are published without an observation.
 */
public final class ObservationLeapEventPublisher implements ApplicationEventPublisher {

    private final ApplicationEventPublisher delegate;

    private final ObservationRegistry registry;

    private final @Nullable LeapEventObservationConvention convention;

    /**
     * Create a publisher.
     * @param delegate where to publish the events
     * @param registry the registry to record observations with
     * @param convention the convention to use instead of {@link DefaultLeapEventObservationConvention}, or
     * {@code null} for the default
     */
    public ObservationLeapEventPublisher(
            ApplicationEventPublisher delegate,
            ObservationRegistry registry,
            @Nullable LeapEventObservationConvention convention) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.convention = convention;
    }

    @Override
    public void publishEvent(ApplicationEvent event) {
        Observation observation = LeapEventObservation.EVENT_OBSERVATION.observation(
                this.convention,
                DefaultLeapEventObservationConvention.INSTANCE,
                () -> new LeapEventContext(event),
                this.registry);
        observation.observe(() -> this.delegate.publishEvent(event));
    }

    @Override
    public void publishEvent(Object event) {
        if (event instanceof ApplicationEvent applicationEvent) {
            publishEvent(applicationEvent);
        } else {
            this.delegate.publishEvent(event);
        }
    }

    @Override
    public String toString() {
        return "ObservationLeapEventPublisher[" + this.delegate + "]";
    }
}
