package io.leap.spring.observation;

import io.leap.spring.event.LeapChannelEvent;
import io.leap.spring.event.LeapConnectionStateChangedEvent;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.observation.LeapEventObservation.EventHighCardinalityTags;
import io.leap.spring.observation.LeapEventObservation.EventLowCardinalityTags;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;

/**
 * Default {@link LeapEventObservationConvention}: the keys documented in {@link LeapEventObservation}, and the
 * contextual (span) name {@code leap <event type>}, e.g. {@code leap message}.
 */
public class DefaultLeapEventObservationConvention implements LeapEventObservationConvention {

    /** A shared instance. */
    public static final DefaultLeapEventObservationConvention INSTANCE = new DefaultLeapEventObservationConvention();

    @Override
    public KeyValues getLowCardinalityKeyValues(LeapEventContext context) {
        ApplicationEvent event = context.getEvent();
        return KeyValues.of(
                EventLowCardinalityTags.EVENT_TYPE.withValue(eventType(event)),
                EventLowCardinalityTags.EVENT.withValue(LeapObservationSupport.orNone(eventName(event))),
                EventLowCardinalityTags.ERROR_TYPE.withValue(LeapObservationSupport.errorType(context.getError())));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LeapEventContext context) {
        return KeyValues.of(
                EventHighCardinalityTags.CHANNEL.withValue(LeapObservationSupport.orNone(channel(context.getEvent()))));
    }

    @Override
    public String getContextualName(LeapEventContext context) {
        return "leap " + eventType(context.getEvent());
    }

    private static String eventType(ApplicationEvent event) {
        if (event instanceof LeapMessageEvent) {
            return "message";
        }
        if (event instanceof LeapChannelEvent<?>) {
            return "channel_event";
        }
        if (event instanceof LeapConnectionStateChangedEvent) {
            return "connection_state";
        }
        return "other";
    }

    private static @Nullable String eventName(ApplicationEvent event) {
        if (event instanceof LeapMessageEvent message) {
            return message.getEvent();
        }
        if (event instanceof LeapChannelEvent<?> channelEvent) {
            return channelEvent.getEvent().eventName();
        }
        if (event instanceof LeapConnectionStateChangedEvent stateChange) {
            return stateChange.getCurrent().name();
        }
        return null;
    }

    private static @Nullable String channel(ApplicationEvent event) {
        if (event instanceof LeapMessageEvent message) {
            return message.isDirect() ? null : message.getChannelId();
        }
        if (event instanceof LeapChannelEvent<?> channelEvent) {
            return channelEvent.getChannelId();
        }
        return null;
    }
}
