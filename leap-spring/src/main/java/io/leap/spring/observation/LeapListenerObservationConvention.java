package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the {@code leap.listener} observation. Implement it (usually by extending
 * {@link DefaultLeapListenerObservationConvention}) and declare it as a bean, or set it with
 * {@code LeapListenerEndpointRegistrar#setObservationConvention}, to change the name or the keys.
 */
public interface LeapListenerObservationConvention extends ObservationConvention<LeapListenerReceiverContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof LeapListenerReceiverContext;
    }

    @Override
    default String getName() {
        return "leap.listener";
    }
}
