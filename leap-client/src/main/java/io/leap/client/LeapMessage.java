package io.leap.client;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * A channel message ({@code MESSAGE}) or a direct message ({@code DIRECT_MESSAGE}).
 *
 * <p>The user's data ({@code d.d} on the wire) is kept as raw JSON and only converted when first asked for, so a
 * listener that never looks at it, or reads it once into its own type, pays for exactly one conversion. Instances are
 * immutable and thread-safe; the same instance is given to every listener.
 */
public interface LeapMessage {

    /** @return the channel ID, or {@code null} for a direct message */
    String channelId();

    /** @return the user's event name ({@code d.e} on the wire), never the outer {@code MESSAGE} */
    String event();

    /** @return {@code true} if the server addressed only this connection ({@code u:true}) */
    boolean unicast();

    /** @return {@code true} for a {@code DIRECT_MESSAGE} (sent to the token, not to a channel) */
    boolean isDirect();

    /** @return the ID of the connection that received it, or {@code null} if {@code INIT} had not arrived yet */
    String connectionId();

    /**
     * @return the data as a tree; parsed on the first call and cached. {@code NullNode} if the message had no data.
     * @throws LeapException if the raw JSON cannot be parsed
     */
    JsonNode data();

    /**
     * Converts the data to the given type with the client's {@code JsonMapper} (not cached).
     *
     * @param type target type, e.g. a record or {@code Map.class}
     * @param <T>  the target type
     * @return the converted value
     * @throws LeapException if the data cannot be converted
     */
    <T> T data(Class<T> type);

    /**
     * Converts the data to the given generic type with the client's {@code JsonMapper} (not cached).
     *
     * @param type target type
     * @param <T>  the target type
     * @return the converted value
     * @throws LeapException if the data cannot be converted
     */
    <T> T data(TypeReference<T> type);

    /**
     * Reads the data with the given reader (not cached). The fastest way to bind many messages to one type: a reader
     * created once and kept, for example {@code mapper.readerFor(Order.class)}, has its deserializer at hand, and the
     * client's own messages are parsed straight from the bytes received. The reader's configuration applies (its views,
     * features and value type), not the client's mapper.
     *
     * <pre>{@code
     * ObjectReader orders = mapper.readerFor(Order.class);  // once
     * client.addMessageListener(message -> handle(message.<Order>data(orders)));
     * }</pre>
     *
     * @param reader a reader with a value type
     * @param <T>    the target type
     * @return the converted value
     * @throws LeapException if the data cannot be converted
     */
    default <T> T data(ObjectReader reader) {
        Objects.requireNonNull(reader, "reader");
        try {
            return reader.readValue(rawData());
        } catch (JacksonException e) {
            JavaType type = reader.getValueType();
            throw new LeapException(
                    "Cannot convert message data to " + (type == null ? "an unknown type" : type.toCanonical()) + ": "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    /** @return the data as raw JSON text exactly as received ({@code "null"} if the message had no data) */
    String rawData();
}
