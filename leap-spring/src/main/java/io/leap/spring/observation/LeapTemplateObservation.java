package io.leap.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The {@code leap.template} observation: one Channels REST API operation made through {@code LeapTemplate}
 * (including its retries; a page of {@code streamChannels} is one operation). The context is a
 * {@link LeapTemplateSenderContext}, whose carrier receives the propagation headers (W3C {@code traceparent} with
 * a W3C propagator) that {@link LeapTemplateRequestHeaders} adds to the request. The default convention is
 * {@link DefaultLeapTemplateObservationConvention}.
 */
public enum LeapTemplateObservation implements ObservationDocumentation {

    /** Observation of a {@code LeapTemplate} operation. */
    TEMPLATE_OBSERVATION {

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLeapTemplateObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return TemplateLowCardinalityTags.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return TemplateHighCardinalityTags.values();
        }
    };

    /** Low-cardinality keys of the {@code leap.template} observation (also the tags of its timer). */
    public enum TemplateLowCardinalityTags implements KeyName {

        /** The operation, a {@code LeapApiOperation#tagValue()} such as {@code publish} or {@code create_token}. */
        OPERATION {
            @Override
            public String asString() {
                return "leap.operation";
            }
        },

        /**
         * How the operation ended, a {@code LeapApiOutcome#tagValue()}: {@code success}, {@code client_error},
         * {@code server_error} or {@code error}.
         */
        OUTCOME {
            @Override
            public String asString() {
                return "leap.outcome";
            }
        },

        /** The user's event name of a {@code publish} or {@code publish_direct}, otherwise {@code none}. */
        EVENT {
            @Override
            public String asString() {
                return "leap.event";
            }
        },

        /** Simple class name of the failure (usually {@code LeapApiException}), or {@code none}. */
        ERROR_TYPE {
            @Override
            public String asString() {
                return "error.type";
            }
        }
    }

    /** High-cardinality keys of the {@code leap.template} observation (span tags only, never meter tags). */
    public enum TemplateHighCardinalityTags implements KeyName {

        /**
         * The channel ID of a channel operation, or {@code none} (token operations: Leap tokens are credentials and
         * never appear in observations).
         */
        CHANNEL {
            @Override
            public String asString() {
                return "leap.channel";
            }
        }
    }
}
