package io.leap.spring.support;

import io.leap.client.LeapMessage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * The Spring message a {@code @LeapListener} method is invoked with: its payload is the raw JSON text of the Leap
 * message's data, its headers the Leap metadata under the {@link LeapHeaders} names. Both are created on first use, so
 * a method whose parameters are resolved from the {@link LeapMessage} itself (a typed payload read by
 * {@link LeapPayloadMethodArgumentResolver}, a {@code LeapMessage} parameter) costs neither a header map nor a copy of
 * the data as text.
 *
 * <p>Part of the {@code @LeapListener} infrastructure (public because the listener invoker lives in another package);
 * not meant for application code.
 */
public final class LeapListenerMessage implements Message<String> {

    private final LeapMessage leapMessage;

    private final String listenerId;

    private @Nullable MessageHeaders headers;

    /**
     * The message for one delivery of {@code leapMessage} to the listener {@code listenerId}.
     * @param leapMessage the Leap message
     * @param listenerId the listener's id
     */
    public LeapListenerMessage(LeapMessage leapMessage, String listenerId) {
        this.leapMessage = Objects.requireNonNull(leapMessage, "leapMessage");
        this.listenerId = Objects.requireNonNull(listenerId, "listenerId");
    }

    /** @return the Leap message delivered */
    public LeapMessage getLeapMessage() {
        return this.leapMessage;
    }

    /** @return the raw JSON text of the data, exactly as received */
    @Override
    public String getPayload() {
        return this.leapMessage.rawData();
    }

    @Override
    public MessageHeaders getHeaders() {
        // One delivery is resolved on one thread; a second map built by a racing caller would be equal anyway.
        MessageHeaders h = this.headers;
        if (h == null) {
            h = LeapMessageHeaders.of(this.leapMessage, this.listenerId);
            this.headers = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return "LeapListenerMessage[listener=" + this.listenerId + ", " + this.leapMessage + "]";
    }
}
