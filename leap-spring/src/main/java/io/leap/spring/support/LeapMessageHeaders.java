package io.leap.spring.support;

import io.leap.client.LeapMessage;
import java.util.HashMap;
import java.util.Map;
import org.springframework.messaging.MessageHeaders;

/**
 * Headers of the Spring message built for each delivery: no generated id and no timestamp (cheap), the Leap metadata
 * under the {@link LeapHeaders} names.
 *
 * <p>Part of the {@code @LeapListener} infrastructure (public because the listener invoker lives in another package); not meant for application code.
 */
public final class LeapMessageHeaders extends MessageHeaders {

    private static final long serialVersionUID = 1L;

    private LeapMessageHeaders(Map<String, Object> headers) {
        super(headers, ID_VALUE_NONE, -1L);
    }

    /**
     * The headers of one delivery of {@code message} to the listener {@code listenerId}.
     */
    public static LeapMessageHeaders of(LeapMessage message, String listenerId) {
        Map<String, Object> headers = new HashMap<>(16);
        if (message.channelId() != null) {
            headers.put(LeapHeaders.CHANNEL_ID, message.channelId());
        }
        headers.put(LeapHeaders.EVENT, message.event());
        headers.put(LeapHeaders.UNICAST, message.unicast());
        headers.put(LeapHeaders.DIRECT, message.isDirect());
        if (message.connectionId() != null) {
            headers.put(LeapHeaders.CONNECTION_ID, message.connectionId());
        }
        headers.put(LeapHeaders.LISTENER_ID, listenerId);
        headers.put(LeapHeaders.LEAP_MESSAGE, message);
        return new LeapMessageHeaders(headers);
    }
}
