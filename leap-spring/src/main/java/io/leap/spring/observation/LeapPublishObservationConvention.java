package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the {@code leap.client.publish} observation. Implement it (usually by extending
 * {@link DefaultLeapPublishObservationConvention}) and declare it as a bean, or hand it to
 * {@link LeapClientObservations#observe}, to change the name or the keys.
 */
public interface LeapPublishObservationConvention extends ObservationConvention<LeapPublishSenderContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof LeapPublishSenderContext;
    }

    @Override
    default String getName() {
        return "leap.client.publish";
    }
}
