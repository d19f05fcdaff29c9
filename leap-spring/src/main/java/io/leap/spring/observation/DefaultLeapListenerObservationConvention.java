package io.leap.spring.observation;

import io.leap.client.LeapMessage;
import io.leap.spring.observation.LeapListenerObservation.ListenerHighCardinalityTags;
import io.leap.spring.observation.LeapListenerObservation.ListenerLowCardinalityTags;
import io.micrometer.common.KeyValues;

/**
 * Default {@link LeapListenerObservationConvention}: the keys documented in {@link LeapListenerObservation}, and the
 * contextual (span) name {@code <listener id> receive}.
 */
public class DefaultLeapListenerObservationConvention implements LeapListenerObservationConvention {

    /** A shared instance. */
    public static final DefaultLeapListenerObservationConvention INSTANCE =
            new DefaultLeapListenerObservationConvention();

    @Override
    public KeyValues getLowCardinalityKeyValues(LeapListenerReceiverContext context) {
        LeapMessage message = context.getMessage();
        return KeyValues.of(
                ListenerLowCardinalityTags.LISTENER_ID.withValue(context.getListenerId()),
                ListenerLowCardinalityTags.MESSAGING_SYSTEM.withValue(LeapObservationSupport.MESSAGING_SYSTEM),
                ListenerLowCardinalityTags.MESSAGING_OPERATION.withValue("receive"),
                ListenerLowCardinalityTags.EVENT.withValue(LeapObservationSupport.orNone(message.event())),
                ListenerLowCardinalityTags.ERROR_TYPE.withValue(LeapObservationSupport.errorType(context.getError())));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LeapListenerReceiverContext context) {
        LeapMessage message = context.getMessage();
        String channel = message.isDirect() ? null : message.channelId();
        return KeyValues.of(ListenerHighCardinalityTags.CHANNEL.withValue(LeapObservationSupport.orNone(channel)));
    }

    @Override
    public String getContextualName(LeapListenerReceiverContext context) {
        return context.getListenerId() + " receive";
    }
}
