package io.leap.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The {@code leap.events} observation: the delivery of one Leap {@code ApplicationEvent} ({@code LeapMessageEvent},
 * {@code LeapChannelEvent}, {@code LeapConnectionStateChangedEvent}) to the application's listeners by the event
 * bridge. It covers the synchronous {@code @EventListener}s, which run inside it. The context is a
 * {@link LeapEventContext}; the default convention is {@link DefaultLeapEventObservationConvention}.
 */
public enum LeapEventObservation implements ObservationDocumentation {

    /** Observation of the publication of a Leap application event. */
    EVENT_OBSERVATION {

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLeapEventObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return EventLowCardinalityTags.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return EventHighCardinalityTags.values();
        }
    };

    /** Low-cardinality keys of the {@code leap.events} observation (also the tags of its timer). */
    public enum EventLowCardinalityTags implements KeyName {

        /**
         * Kind of application event: {@code message} ({@code LeapMessageEvent}), {@code channel_event}
         * ({@code LeapChannelEvent}), {@code connection_state} ({@code LeapConnectionStateChangedEvent}) or
         * {@code other}.
         */
        EVENT_TYPE {
            @Override
            public String asString() {
                return "leap.event.type";
            }
        },

        /**
         * The event: the user's event name of a message, the name of a channel event (e.g. {@code STATE_UPDATE}),
         * or the new connection state (e.g. {@code CONNECTED}).
         */
        EVENT {
            @Override
            public String asString() {
                return "leap.event";
            }
        },

        /** Simple class name of the exception a synchronous listener threw, or {@code none}. */
        ERROR_TYPE {
            @Override
            public String asString() {
                return "error.type";
            }
        }
    }

    /** High-cardinality keys of the {@code leap.events} observation (span tags only, never meter tags). */
    public enum EventHighCardinalityTags implements KeyName {

        /** The channel ID of a message or channel event, or {@code none}. */
        CHANNEL {
            @Override
            public String asString() {
                return "leap.channel";
            }
        }
    }
}
