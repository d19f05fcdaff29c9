package io.leap.client.rest;

import io.leap.client.ChannelType;
import java.time.Instant;
import java.util.Objects;

/**
 * A channel as returned by the REST API (REST spec §5.1).
 *
 * @param id           the channel ID
 * @param type         the channel type ({@link ChannelType#UNKNOWN} for a type this client does not know)
 * @param state        the channel state, never {@code null}
 * @param capabilities the capability bit field (always {@code 0} in the embedded server)
 * @param createdAt    when the channel was created, or {@code null} if the response lacks it
 * @param project      the project the channel belongs to, or {@code null} if the response lacks it
 */
public record LeapChannel(
        String id, ChannelType type, LeapState state, long capabilities, Instant createdAt, LeapProject project) {

    /**
     * Validates the components.
     *
     * @param id see the record component
     * @param type see the record component
     * @param state see the record component
     * @param capabilities see the record component
     * @param createdAt see the record component
     * @param project see the record component
     * @throws NullPointerException if {@code id}, {@code type} or {@code state} is {@code null}
     */
    public LeapChannel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
    }
}
