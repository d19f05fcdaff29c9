package io.leap.spring.listener;

import io.leap.client.LeapMessage;
import io.leap.spring.annotation.LeapListener;
import java.util.Objects;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;

/**
 * A {@link LeapListener} failed on a message. Its message names the listener, channel and event, never the data.
 */
public class LeapListenerExecutionFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Kind {

        /** The payload or an argument could not be converted, or did not pass {@code @Valid}. */
        CONVERSION,

        /** The listener method threw. */
        LISTENER,

        /** The {@code @SendTo} reply could not be published. */
        REPLY
    }

    private final String listenerId;

    private final transient LeapMessage leapMessage;

    private final Kind kind;

    /**
     * Create an exception.
     * @param listenerId the listener id
     * @param leapMessage the message being handled
     * @param kind what failed
     * @param cause the cause
     */
    public LeapListenerExecutionFailedException(
            String listenerId, LeapMessage leapMessage, Kind kind, Throwable cause) {
        super(describe(listenerId, leapMessage, kind, cause), cause);
        this.listenerId = Objects.requireNonNull(listenerId, "listenerId");
        this.leapMessage = Objects.requireNonNull(leapMessage, "leapMessage");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Classify a throwable thrown while invoking a listener method.
     * @param error what the invocation threw
     * @return {@link Kind#CONVERSION} for conversion, argument resolution and validation failures, otherwise
     * {@link Kind#LISTENER}
     */
    static Kind classify(Throwable error) {
        return (error instanceof MessageConversionException || error instanceof MethodArgumentResolutionException)
                ? Kind.CONVERSION
                : Kind.LISTENER;
    }

    private static String describe(String listenerId, LeapMessage message, Kind kind, Throwable cause) {
        String what = switch (kind) {
            case CONVERSION -> "could not convert the payload of";
            case LISTENER -> "threw on";
            case REPLY -> "could not publish the reply to";
        };
        String where = message.isDirect() ? "direct message" : "message on channel '" + message.channelId() + "'";
        return "Leap listener '" + listenerId + "' " + what + " " + where + " with event '" + message.event() + "': "
                + cause;
    }

    /** @return the id of the listener that failed */
    public String getListenerId() {
        return this.listenerId;
    }

    /** @return the message being handled */
    public LeapMessage getLeapMessage() {
        return this.leapMessage;
    }

    /** @return what failed */
    public Kind getKind() {
        return this.kind;
    }
}
