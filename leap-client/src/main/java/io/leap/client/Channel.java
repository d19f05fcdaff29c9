package io.leap.client;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A Leap channel as the socket describes it (in {@code INIT.channels} and {@code AVAILABLE}).
 *
 * @param id           the channel ID
 * @param projectId    the owning project ID (may be {@code null} if the server left it out)
 * @param type         the access type ({@link ChannelType#UNKNOWN} if absent or not known to this client)
 * @param state        the channel state (a JSON object; {@code NullNode} if absent)
 * @param capabilities the capabilities bit field (0 if absent)
 */
public record Channel(String id, String projectId, ChannelType type, JsonNode state, long capabilities) {

    /** Validates the ID and state. */
    public Channel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(type, "type");
    }
}
