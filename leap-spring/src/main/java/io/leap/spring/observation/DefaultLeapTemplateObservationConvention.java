package io.leap.spring.observation;

import io.leap.spring.core.LeapApiOutcome;
import io.leap.spring.observation.LeapTemplateObservation.TemplateHighCardinalityTags;
import io.leap.spring.observation.LeapTemplateObservation.TemplateLowCardinalityTags;
import io.micrometer.common.KeyValues;

/**
 * Default {@link LeapTemplateObservationConvention}: the keys documented in {@link LeapTemplateObservation}, and the
 * contextual (span) name {@code leap <operation>}, e.g. {@code leap publish}.
 */
public class DefaultLeapTemplateObservationConvention implements LeapTemplateObservationConvention {

    /** A shared instance. */
    public static final DefaultLeapTemplateObservationConvention INSTANCE =
            new DefaultLeapTemplateObservationConvention();

    @Override
    public KeyValues getLowCardinalityKeyValues(LeapTemplateSenderContext context) {
        LeapApiOutcome outcome = context.getOutcome();
        if (outcome == null) {
            outcome = LeapApiOutcome.of(context.getError());
        }
        return KeyValues.of(
                TemplateLowCardinalityTags.OPERATION.withValue(
                        context.getOperation().tagValue()),
                TemplateLowCardinalityTags.OUTCOME.withValue(outcome.tagValue()),
                TemplateLowCardinalityTags.EVENT.withValue(LeapObservationSupport.orNone(context.getEvent())),
                TemplateLowCardinalityTags.ERROR_TYPE.withValue(LeapObservationSupport.errorType(context.getError())));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LeapTemplateSenderContext context) {
        return KeyValues.of(
                TemplateHighCardinalityTags.CHANNEL.withValue(LeapObservationSupport.orNone(context.getChannelId())));
    }

    @Override
    public String getContextualName(LeapTemplateSenderContext context) {
        return "leap " + context.getOperation().tagValue();
    }
}
