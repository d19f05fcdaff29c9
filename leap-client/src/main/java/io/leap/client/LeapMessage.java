package io.leap.client;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

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

    /** @return the data as raw JSON text exactly as received ({@code "null"} if the message had no data) */
    String rawData();
}
