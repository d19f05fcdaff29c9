package io.leap.spring.observation;

import io.leap.spring.observation.LeapPublishObservation.PublishHighCardinalityTags;
import io.leap.spring.observation.LeapPublishObservation.PublishLowCardinalityTags;
import io.micrometer.common.KeyValues;

/**
 * Default {@link LeapPublishObservationConvention}: the keys documented in {@link LeapPublishObservation}, and the
 * contextual (span) name {@code leap publish}.
 */
public class DefaultLeapPublishObservationConvention implements LeapPublishObservationConvention {

    /** A shared instance. */
    public static final DefaultLeapPublishObservationConvention INSTANCE =
            new DefaultLeapPublishObservationConvention();

    @Override
    public KeyValues getLowCardinalityKeyValues(LeapPublishSenderContext context) {
        return KeyValues.of(
                PublishLowCardinalityTags.MESSAGING_SYSTEM.withValue(LeapObservationSupport.MESSAGING_SYSTEM),
                PublishLowCardinalityTags.MESSAGING_OPERATION.withValue("publish"),
                PublishLowCardinalityTags.EVENT.withValue(LeapObservationSupport.orNone(context.getEvent())),
                PublishLowCardinalityTags.ERROR_TYPE.withValue(LeapObservationSupport.errorType(context.getError())));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LeapPublishSenderContext context) {
        return KeyValues.of(PublishHighCardinalityTags.CHANNEL.withValue(context.getChannelId()));
    }

    @Override
    public String getContextualName(LeapPublishSenderContext context) {
        return "leap publish";
    }
}
