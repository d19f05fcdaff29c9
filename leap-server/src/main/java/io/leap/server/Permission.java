package io.leap.server;

/**
 * Project-token permissions of the Channels REST API (REST spec §2.3). The embedded server grants every permission to a
 * project token unless it was registered with a restricted set via {@link LeapServer.Builder#projectToken(String, java.util.Set)}.
 */
public enum Permission {
    CREATE_CHANNEL("create_channel"),
    READ_CHANNELS("read_channels"),
    DELETE_CHANNELS("delete_channels"),
    UPDATE_CHANNEL_STATE("update_channel_state"),
    PUBLISH_CHANNEL_MESSAGES("publish_channel_messages"),
    MANAGE_CHANNEL_SUBSCRIBERS("manage_channel_subscribers"),
    CREATE_CHANNEL_TOKEN("create_channel_token"),
    CREATE_LEAP_TOKEN("create_leap_token"),
    READ_LEAP_TOKENS("read_leap_tokens"),
    UPDATE_LEAP_TOKEN("update_leap_token"),
    MESSAGE_TOKEN("message_token");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    /** The permission's name as Hop spells it, e.g. {@code create_channel}. */
    public String wireName() {
        return wireName;
    }
}
