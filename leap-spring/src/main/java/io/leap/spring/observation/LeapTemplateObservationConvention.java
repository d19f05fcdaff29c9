package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the {@code leap.template} observation. Implement it (usually by extending
 * {@link DefaultLeapTemplateObservationConvention}) and declare it as a bean, or set it with
 * {@code LeapTemplate#setObservationConvention}, to change the name or the keys.
 */
public interface LeapTemplateObservationConvention extends ObservationConvention<LeapTemplateSenderContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof LeapTemplateSenderContext;
    }

    @Override
    default String getName() {
        return "leap.template";
    }
}
