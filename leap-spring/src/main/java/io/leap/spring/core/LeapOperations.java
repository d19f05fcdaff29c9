package io.leap.spring.core;

import io.leap.client.ChannelType;
import io.leap.client.rest.ChannelListOptions;
import io.leap.client.rest.ChannelPage;
import io.leap.client.rest.ChannelStats;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.LeapChannel;
import io.leap.client.rest.LeapState;
import io.leap.client.rest.LeapToken;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Publishing to Leap and managing its channels and tokens through the Hop Channels REST API. Implemented by
 * {@link LeapTemplate}; inject this interface (it is easy to mock in tests).
 *
 * <p><b>Payloads and states</b> ({@code Object payload}, {@code Object state}) may be any object the application's
 * Jackson {@code JsonMapper} can write: records, POJOs, maps, collections, {@code java.time} values, a Jackson
 * {@code JsonNode} or a {@link LeapState}. States must convert to a JSON object. A payload that cannot be converted
 * throws {@link IllegalArgumentException} before any request is sent, as do {@code null} or empty IDs.
 *
 * <p><b>Failures</b> are {@link LeapApiException}s carrying the HTTP status, Hop's error code and message: thrown by
 * the blocking methods, completing the future of the {@code ...Async} ones. Credentials and Leap tokens never appear
 * in them. Calls are retried according to the configured retry policy ({@code GET}, {@code PUT} and {@code DELETE}
 * on 429/502/503/504 and connection errors; {@code POST} and {@code PATCH} only when no connection could be made).
 *
 * <p><b>Futures</b> complete on an HTTP client thread: do not block in their callbacks. Cancelling one cancels the
 * request.
 */
public interface LeapOperations {

    // ------------------------------------------------------------------------------------------------ messages

    /**
     * Publishes a message to every subscriber of a channel ({@code MESSAGE} on their sockets).
     * @param channelId the channel
     * @param event the event name, e.g. {@code order.created}
     * @param payload the message data, converted to JSON; {@code null} for JSON {@code null}
     * @throws LeapApiException if the call fails (404 when the channel does not exist)
     */
    void publish(String channelId, String event, @Nullable Object payload);

    /**
     * Asynchronous form of {@link #publish(String, String, Object)}.
     * @param channelId the channel
     * @param event the event name
     * @param payload the message data
     * @return a future completed when the server has accepted the message
     */
    CompletableFuture<Void> publishAsync(String channelId, String event, @Nullable Object payload);

    /**
     * Sends a direct message to the connections of one Leap token ({@code DIRECT_MESSAGE}).
     * @param token the Leap token ({@code leap_token_...})
     * @param event the event name
     * @param payload the message data, converted to JSON; {@code null} for JSON {@code null}
     * @throws LeapApiException if the call fails (404 when the token does not exist)
     */
    void publishDirect(String token, String event, @Nullable Object payload);

    /**
     * Asynchronous form of {@link #publishDirect(String, String, Object)}.
     * @param token the Leap token
     * @param event the event name
     * @param payload the message data
     * @return a future completed when the server has accepted the message
     */
    CompletableFuture<Void> publishDirectAsync(String token, String event, @Nullable Object payload);

    // ------------------------------------------------------------------------------------------------ state

    /**
     * Replaces a channel's state; subscribers get {@code STATE_UPDATE}.
     * @param channelId the channel
     * @param state the new state, converted to a JSON object
     */
    void setChannelState(String channelId, Object state);

    /**
     * Asynchronous form of {@link #setChannelState(String, Object)}.
     * @param channelId the channel
     * @param state the new state
     * @return a future completed when the state is set
     */
    CompletableFuture<Void> setChannelStateAsync(String channelId, Object state);

    /**
     * Merges top-level keys into a channel's state (shallow merge); subscribers get {@code STATE_UPDATE} with the full
     * state.
     * @param channelId the channel
     * @param partialState the keys to set, converted to a JSON object
     */
    void patchChannelState(String channelId, Object partialState);

    /**
     * Asynchronous form of {@link #patchChannelState(String, Object)}.
     * @param channelId the channel
     * @param partialState the keys to set
     * @return a future completed when the state is patched
     */
    CompletableFuture<Void> patchChannelStateAsync(String channelId, Object partialState);

    /**
     * Reads a channel's state.
     * @param channelId the channel
     * @return the state
     */
    LeapState getChannelState(String channelId);

    /**
     * Reads a channel's state and converts it with the application's {@code JsonMapper}.
     * @param <T> the target type
     * @param channelId the channel
     * @param type the target type, e.g. a record
     * @return the converted state
     * @throws IllegalArgumentException if the state cannot be converted
     */
    <T> T getChannelState(String channelId, Class<T> type);

    // ------------------------------------------------------------------------------------------------ channels

    /**
     * Creates a channel with a generated ID.
     * @param type the channel type
     * @param state the initial state, or {@code null} for {@code {}}
     * @return the channel
     */
    LeapChannel createChannel(ChannelType type, @Nullable Object state);

    /**
     * Creates a channel with the given ID (409 {@code conflict} if it exists).
     * @param channelId the channel ID
     * @param type the channel type
     * @param state the initial state, or {@code null} for {@code {}}
     * @return the channel
     */
    LeapChannel createChannel(String channelId, ChannelType type, @Nullable Object state);

    /**
     * Reads a channel.
     * @param channelId the channel
     * @return the channel
     * @throws LeapApiException 404 if it does not exist
     */
    LeapChannel getChannel(String channelId);

    /**
     * Reads a channel, if it exists.
     * @param channelId the channel
     * @return the channel, or empty when the server answers 404
     */
    Optional<LeapChannel> findChannel(String channelId);

    /**
     * Lists every channel of the project in one request.
     * @return the channels
     */
    List<LeapChannel> listChannels();

    /**
     * Reads one page of channels.
     * @param page the 1-based page number
     * @param options page size and order
     * @return the page
     */
    ChannelPage listChannels(int page, ChannelListOptions options);

    /**
     * Streams the channels page by page, lazily: a page is requested when the stream needs it. Stops at the first
     * empty page or once the announced total has been read.
     * @param options page size and order
     * @return the channels
     */
    Stream<LeapChannel> streamChannels(ChannelListOptions options);

    /**
     * Deletes a channel.
     * @param channelId the channel
     */
    void deleteChannel(String channelId);

    /**
     * Subscribes a Leap token to a channel; its connections get {@code AVAILABLE}.
     * @param channelId the channel
     * @param token the Leap token
     */
    void subscribeToken(String channelId, String token);

    /**
     * Asynchronous form of {@link #subscribeToken(String, String)}.
     * @param channelId the channel
     * @param token the Leap token
     * @return a future completed when the token is subscribed
     */
    CompletableFuture<Void> subscribeTokenAsync(String channelId, String token);

    /**
     * Removes a Leap token from a channel; its connections get {@code UNAVAILABLE}.
     * @param channelId the channel
     * @param token the Leap token
     */
    void unsubscribeToken(String channelId, String token);

    /**
     * Lists the Leap tokens subscribed to a channel.
     * @param channelId the channel
     * @return the tokens
     */
    List<LeapToken> listChannelTokens(String channelId);

    /**
     * Reads a channel's statistics.
     * @param channelId the channel
     * @return the statistics (online connection count)
     */
    ChannelStats getChannelStats(String channelId);

    // ------------------------------------------------------------------------------------------------ tokens

    /**
     * Creates a Leap token with an empty state.
     * @return the token; hand {@link LeapToken#id()} to a socket client
     */
    LeapToken createToken();

    /**
     * Creates a Leap token.
     * @param state the token's state (converted to a JSON object), or {@code null} for {@code {}}
     * @return the token
     */
    LeapToken createToken(@Nullable Object state);

    /**
     * Asynchronous form of {@link #createToken(Object)}.
     * @param state the token's state, or {@code null}
     * @return a future of the token
     */
    CompletableFuture<LeapToken> createTokenAsync(@Nullable Object state);

    /**
     * Reads a Leap token, including whether it is online.
     * @param token the Leap token
     * @return the token
     */
    LeapToken getToken(String token);

    /**
     * Lists the project's Leap tokens.
     * @return the tokens
     */
    List<LeapToken> listTokens();

    /**
     * Replaces a Leap token's state.
     * @param token the Leap token
     * @param state the new state, converted to a JSON object
     * @return the updated token
     */
    LeapToken setTokenState(String token, Object state);

    /**
     * Deletes a Leap token; its connections are closed.
     * @param token the Leap token
     */
    void deleteToken(String token);

    /**
     * Whether a Leap token has at least one connection.
     * @param token the Leap token
     * @return whether it is online
     */
    boolean isTokenOnline(String token);
}
