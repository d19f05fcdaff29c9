package io.leap.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The {@code leap.listener} observation: one invocation of a {@code @LeapListener} method with a message received
 * over the socket (its {@code @SendTo} reply is published inside it). The context is a
 * {@link LeapListenerReceiverContext}; the default convention is {@link DefaultLeapListenerObservationConvention}.
 */
public enum LeapListenerObservation implements ObservationDocumentation {

    /** Observation of a {@code @LeapListener} invocation. */
    LISTENER_OBSERVATION {

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLeapListenerObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return ListenerLowCardinalityTags.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return ListenerHighCardinalityTags.values();
        }
    };

    /** Low-cardinality keys of the {@code leap.listener} observation (also the tags of its timer). */
    public enum ListenerLowCardinalityTags implements KeyName {

        /** ID of the listener container ({@code @LeapListener(id)} or the generated one). */
        LISTENER_ID {
            @Override
            public String asString() {
                return "leap.listener.id";
            }
        },

        /** Messaging system: always {@code leap}. */
        MESSAGING_SYSTEM {
            @Override
            public String asString() {
                return "messaging.system";
            }
        },

        /** Messaging operation: always {@code receive}. */
        MESSAGING_OPERATION {
            @Override
            public String asString() {
                return "messaging.operation";
            }
        },

        /**
         * The user's event name of the message. Event names are the application's own vocabulary, a bounded set;
         * if yours are generated per entity, replace the convention so that the event becomes a high-cardinality
         * key.
         */
        EVENT {
            @Override
            public String asString() {
                return "leap.event";
            }
        },

        /** Simple class name of the exception the listener threw, or {@code none}. */
        ERROR_TYPE {
            @Override
            public String asString() {
                return "error.type";
            }
        }
    }

    /** High-cardinality keys of the {@code leap.listener} observation (span tags only, never meter tags). */
    public enum ListenerHighCardinalityTags implements KeyName {

        /**
         * The channel ID of the message, or {@code none} for a direct message. Channel IDs are often per entity
         * (per user, per game), hence high cardinality.
         */
        CHANNEL {
            @Override
            public String asString() {
                return "leap.channel";
            }
        }
    }
}
