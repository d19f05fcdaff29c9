package io.leap.spring.core;

/**
 * The operations of {@link LeapOperations}, as reported to a {@link LeapTemplateObserver} and used as the
 * {@code operation} tag of the {@code leap.api.requests} timer. A closed set, so metric tags stay bounded.
 */
public enum LeapApiOperation {

    /** {@link LeapOperations#publish}: {@code POST /v1/channels/{channel_id}/messages}. */
    PUBLISH("publish"),

    /** {@link LeapOperations#publishDirect}: {@code POST /v1/channels/tokens/{token}/messages}. */
    PUBLISH_DIRECT("publish_direct"),

    /** {@link LeapOperations#setChannelState}: {@code PUT /v1/channels/{channel_id}/state}. */
    SET_CHANNEL_STATE("set_channel_state"),

    /** {@link LeapOperations#patchChannelState}: {@code PATCH /v1/channels/{channel_id}/state}. */
    PATCH_CHANNEL_STATE("patch_channel_state"),

    /** {@link LeapOperations#getChannelState}: {@code GET /v1/channels/{channel_id}/state}. */
    GET_CHANNEL_STATE("get_channel_state"),

    /** {@link LeapOperations#createChannel}: {@code POST /v1/channels} or {@code PUT /v1/channels/{channel_id}}. */
    CREATE_CHANNEL("create_channel"),

    /** {@link LeapOperations#getChannel} and {@link LeapOperations#findChannel}: {@code GET /v1/channels/{channel_id}}. */
    GET_CHANNEL("get_channel"),

    /** {@link LeapOperations#listChannels}: {@code GET /v1/channels} (one request per page). */
    LIST_CHANNELS("list_channels"),

    /** {@link LeapOperations#deleteChannel}: {@code DELETE /v1/channels/{channel_id}}. */
    DELETE_CHANNEL("delete_channel"),

    /** {@link LeapOperations#subscribeToken}: {@code PUT /v1/channels/{channel_id}/subscribers/{token}}. */
    SUBSCRIBE_TOKEN("subscribe_token"),

    /** {@link LeapOperations#unsubscribeToken}: {@code DELETE /v1/channels/{channel_id}/subscribers/{token}}. */
    UNSUBSCRIBE_TOKEN("unsubscribe_token"),

    /** {@link LeapOperations#listChannelTokens}: {@code GET /v1/channels/{channel_id}/tokens}. */
    LIST_CHANNEL_TOKENS("list_channel_tokens"),

    /** {@link LeapOperations#getChannelStats}: {@code GET /v1/channels/{channel_id}/stats}. */
    GET_CHANNEL_STATS("get_channel_stats"),

    /** {@link LeapOperations#createToken}: {@code POST /v1/channels/tokens}. */
    CREATE_TOKEN("create_token"),

    /** {@link LeapOperations#getToken} and {@link LeapOperations#isTokenOnline}: {@code GET /v1/channels/tokens/{token}}. */
    GET_TOKEN("get_token"),

    /** {@link LeapOperations#listTokens}: {@code GET /v1/channels/tokens}. */
    LIST_TOKENS("list_tokens"),

    /** {@link LeapOperations#setTokenState}: {@code PATCH /v1/channels/tokens/{token}}. */
    SET_TOKEN_STATE("set_token_state"),

    /** {@link LeapOperations#deleteToken}: {@code DELETE /v1/channels/tokens/{token}}. */
    DELETE_TOKEN("delete_token");

    private final String tagValue;

    LeapApiOperation(String tagValue) {
        this.tagValue = tagValue;
    }

    /**
     * The value of the {@code operation} metric tag, e.g. {@code publish_direct}.
     * @return the tag value
     */
    public String tagValue() {
        return this.tagValue;
    }
}
