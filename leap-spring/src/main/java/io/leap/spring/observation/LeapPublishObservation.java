package io.leap.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The {@code leap.client.publish} observation: one message published over the socket with
 * {@code LeapClient#publish} or {@code LeapClient#publishAsync} (client {@code MESSAGE}, protocol spec
 * {@code docs/spec/leap-edge-protocol.md}), including the {@code @SendTo} replies of listeners. It ends when the frame
 * was sent (the server does not acknowledge it). The context is a {@link LeapPublishSenderContext}; the default
 * convention is {@link DefaultLeapPublishObservationConvention}.
 */
public enum LeapPublishObservation implements ObservationDocumentation {

    /** Observation of a publish over the socket. */
    PUBLISH_OBSERVATION {

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLeapPublishObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return PublishLowCardinalityTags.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return PublishHighCardinalityTags.values();
        }
    };

    /** Low-cardinality keys of the {@code leap.client.publish} observation (also the tags of its timer). */
    public enum PublishLowCardinalityTags implements KeyName {

        /** Messaging system: always {@code leap}. */
        MESSAGING_SYSTEM {
            @Override
            public String asString() {
                return "messaging.system";
            }
        },

        /** Messaging operation: always {@code publish}. */
        MESSAGING_OPERATION {
            @Override
            public String asString() {
                return "messaging.operation";
            }
        },

        /** The user's event name of the message. */
        EVENT {
            @Override
            public String asString() {
                return "leap.event";
            }
        },

        /** Simple class name of the failure (e.g. {@code LeapConnectException} when not connected), or {@code none}. */
        ERROR_TYPE {
            @Override
            public String asString() {
                return "error.type";
            }
        }
    }

    /** High-cardinality keys of the {@code leap.client.publish} observation (span tags only, never meter tags). */
    public enum PublishHighCardinalityTags implements KeyName {

        /** The channel ID published to. */
        CHANNEL {
            @Override
            public String asString() {
                return "leap.channel";
            }
        }
    }
}
