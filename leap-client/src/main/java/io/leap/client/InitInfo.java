package io.leap.client;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * What the server said in {@code INIT} on the current (or last) connection.
 *
 * @param connectionId    the connection ID ({@code cid}); opaque
 * @param scope           {@code token}, {@code noauth} or {@code project} (unknown values are kept)
 * @param metadata        the token's state for {@code token} scope, otherwise {@code NullNode}
 * @param channels        the channels the session is subscribed to (empty when anonymous)
 * @param connectionCount live connections of the token, this one included
 */
public record InitInfo(
        String connectionId, String scope, JsonNode metadata, List<Channel> channels, int connectionCount) {

    /** Copies the channel list and validates. */
    public InitInfo {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(metadata, "metadata");
        channels = List.copyOf(channels);
    }
}
