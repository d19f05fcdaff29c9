package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the {@code leap.events} observation. Implement it (usually by extending
 * {@link DefaultLeapEventObservationConvention}) and declare it as a bean, or hand it to
 * {@link ObservationLeapEventPublisher}, to change the name or the keys.
 */
public interface LeapEventObservationConvention extends ObservationConvention<LeapEventContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof LeapEventContext;
    }

    @Override
    default String getName() {
        return "leap.events";
    }
}
