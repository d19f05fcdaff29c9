package io.leap.spring.event;

import io.leap.client.LeapMessage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Leap channel message ({@code MESSAGE}) or direct message ({@code DIRECT_MESSAGE}) published as a Spring
 * {@link ApplicationEvent}.
 *
 * <pre class="code">
 * &#64;EventListener(condition = "#event.channelId == 'orders'")
 * void onOrder(LeapMessageEvent event) {
 *     OrderCreated order = event.getData(OrderCreated.class);
 * }
 * </pre>
 *
 * The event is immutable and safe to hand to {@code @Async} listeners. Data conversion uses the application's
 * {@link JsonMapper} (Boot's {@code jacksonJsonMapper} when present).
 */
public class LeapMessageEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient LeapMessage message;

    private final transient JsonMapper jsonMapper;

    /**
     * Create a new event.
     * @param source the object that published the event (the client)
     * @param message the Leap message
     * @param jsonMapper the mapper used by {@link #getData(Class)}
     */
    public LeapMessageEvent(Object source, LeapMessage message, JsonMapper jsonMapper) {
        super(source);
        this.message = Objects.requireNonNull(message, "message");
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
    }

    /**
     * Id of the channel the message was published to.
     * @return the channel id, or {@code null} for a direct message
     */
    public @Nullable String getChannelId() {
        return this.message.channelId();
    }

    /**
     * The user event name ({@code d.e} on the wire), for example {@code order.created}.
     * @return the event name
     */
    public String getEvent() {
        return this.message.event();
    }

    /**
     * Whether this is a direct message to this client's token rather than a channel message.
     * @return {@code true} for a direct message
     */
    public boolean isDirect() {
        return this.message.isDirect();
    }

    /**
     * Whether the server addressed the message to this connection only.
     * @return the unicast flag
     */
    public boolean isUnicast() {
        return this.message.unicast();
    }

    /**
     * Id of the connection that received the message.
     * @return the connection id, may be {@code null} if unknown
     */
    public @Nullable String getConnectionId() {
        return this.message.connectionId();
    }

    /**
     * The message data as a JSON tree.
     * @return the data (a {@code NullNode} when the message carried none)
     */
    public JsonNode getData() {
        return this.message.data();
    }

    /**
     * The message data converted to the given type with the application's JSON mapper.
     * @param <T> the target type
     * @param type the target type
     * @return the converted data
     * @throws tools.jackson.core.JacksonException if the data cannot be converted
     */
    public <T> T getData(Class<T> type) {
        return this.jsonMapper.readValue(rawJson(), type);
    }

    /**
     * The message data converted to the given generic type with the application's JSON mapper.
     * @param <T> the target type
     * @param type the target type, e.g. {@code new TypeReference<List<Item>>() {}}
     * @return the converted data
     * @throws tools.jackson.core.JacksonException if the data cannot be converted
     */
    public <T> T getData(TypeReference<T> type) {
        return this.jsonMapper.readValue(rawJson(), type);
    }

    /**
     * The raw JSON text of the message data.
     * @return the JSON text
     */
    public String getRawData() {
        return rawJson();
    }

    /**
     * The underlying client message.
     * @return the message
     */
    public LeapMessage getMessage() {
        return this.message;
    }

    private String rawJson() {
        String raw = this.message.rawData();
        return (raw != null) ? raw : "null";
    }

    @Override
    public String toString() {
        return "LeapMessageEvent[channelId=" + getChannelId() + ", event=" + getEvent() + ", direct=" + isDirect()
                + "]";
    }
}
