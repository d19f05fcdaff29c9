package io.leap.client.rest;

import static io.leap.client.rest.RestCalls.CHANNELS;
import static io.leap.client.rest.RestCalls.await;
import static io.leap.client.rest.RestCalls.channelPath;

import io.leap.client.ChannelType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * The channel routes of the Channels REST API ({@code /v1/channels/...}): channels, their state, publishing,
 * subscribers and statistics. Obtain it with {@link LeapApi#channels()}.
 *
 * <pre>{@code
 * ChannelOperations channels = api.channels();
 * channels.create("group_chat_1", ChannelType.PUBLIC, Map.of("round", 1));
 * channels.publish("group_chat_1", "MESSAGE_CREATE", Map.of("content", "Hello"));
 * channels.subscribeToken("group_chat_1", token.id());
 * }</pre>
 *
 * <p>Every operation has a blocking form and an {@code ...Async} form returning a {@link CompletableFuture}, with
 * the semantics described on {@link LeapApi}. Thread-safe.
 */
public final class ChannelOperations {

    private final RestCalls calls;

    ChannelOperations(RestCalls calls) {
        this.calls = calls;
    }

    // ------------------------------------------------------------------------------------------- create, get

    /**
     * Creates a channel with a generated ID ({@code POST /v1/channels}).
     *
     * @param type  the channel type
     * @param state the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     * @throws LeapApiException on failure (e.g. 400 for an invalid state)
     */
    public LeapChannel create(ChannelType type, Object state) {
        return await(createAsync(type, state), "POST " + CHANNELS);
    }

    /**
     * Asynchronous form of {@link #create(ChannelType, Object)}.
     *
     * @param type  the channel type
     * @param state the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     */
    public CompletableFuture<LeapChannel> createAsync(ChannelType type, Object state) {
        ApiRequest req = calls.request("POST", CHANNELS, CHANNELS, calls.createChannelBody(type, state));
        calls.requireProjectForCreation(req.operation());
        return calls.call(req, this::channel);
    }

    /**
     * Creates a channel with the given ID ({@code PUT /v1/channels/{channel_id}}). Fails with 409
     * ({@link LeapApiException#isConflict()}) if a channel with that ID exists; it never overwrites one.
     *
     * @param channelId the channel ID (not {@code tokens}); the server limits it to 1–128 characters without
     *                  {@code /} or control characters
     * @param type      the channel type
     * @param state     the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     * @throws LeapApiException on failure (409 if the ID exists, 400 for an invalid ID)
     */
    public LeapChannel create(String channelId, ChannelType type, Object state) {
        return await(createAsync(channelId, type, state), "PUT " + CHANNELS + "/{channel_id}");
    }

    /**
     * Asynchronous form of {@link #create(String, ChannelType, Object)}.
     *
     * @param channelId the channel ID
     * @param type      the channel type
     * @param state     the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     */
    public CompletableFuture<LeapChannel> createAsync(String channelId, ChannelType type, Object state) {
        ApiRequest req = calls.request(
                "PUT", CHANNELS + "/{channel_id}", channelPath(channelId), calls.createChannelBody(type, state));
        calls.requireProjectForCreation(req.operation());
        return calls.call(req, this::channel);
    }

    /**
     * Gets a channel ({@code GET /v1/channels/{channel_id}}).
     *
     * @param channelId the channel ID
     * @return the channel
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public LeapChannel get(String channelId) {
        return await(getAsync(channelId), "GET " + CHANNELS + "/{channel_id}");
    }

    /**
     * Asynchronous form of {@link #get(String)}.
     *
     * @param channelId the channel ID
     * @return the channel
     */
    public CompletableFuture<LeapChannel> getAsync(String channelId) {
        ApiRequest req = calls.request("GET", CHANNELS + "/{channel_id}", channelPath(channelId), null);
        return calls.call(req, this::channel);
    }

    /**
     * Gets a channel if it exists: like {@link #get(String)} but a 404 gives an empty result.
     *
     * @param channelId the channel ID
     * @return the channel, or empty if it does not exist
     * @throws LeapApiException on any other failure
     */
    public Optional<LeapChannel> find(String channelId) {
        return await(findAsync(channelId), "GET " + CHANNELS + "/{channel_id}");
    }

    /**
     * Asynchronous form of {@link #find(String)}.
     *
     * @param channelId the channel ID
     * @return the channel, or empty if it does not exist
     */
    public CompletableFuture<Optional<LeapChannel>> findAsync(String channelId) {
        return getAsync(channelId).handle((channel, error) -> {
            if (error == null) {
                return Optional.of(channel);
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof LeapApiException lae && lae.isNotFound()) {
                return Optional.empty();
            }
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
        });
    }

    /**
     * Deletes a channel ({@code DELETE /v1/channels/{channel_id}}). Its subscriptions are removed and live
     * subscribers get {@code UNAVAILABLE}.
     *
     * @param channelId the channel ID
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public void delete(String channelId) {
        await(deleteAsync(channelId), "DELETE " + CHANNELS + "/{channel_id}");
    }

    /**
     * Asynchronous form of {@link #delete(String)}.
     *
     * @param channelId the channel ID
     * @return completes when deleted
     */
    public CompletableFuture<Void> deleteAsync(String channelId) {
        return calls.callNoContent(calls.request("DELETE", CHANNELS + "/{channel_id}", channelPath(channelId), null));
    }

    // -------------------------------------------------------------------------------------------------- list

    /**
     * Lists every channel of the project in one request ({@code GET /v1/channels} without {@code page}).
     *
     * @return all channels
     * @throws LeapApiException on failure
     * @see #stream(ChannelListOptions) paging through large projects
     */
    public List<LeapChannel> list() {
        return await(listAsync(), "GET " + CHANNELS);
    }

    /**
     * Asynchronous form of {@link #list()}.
     *
     * @return all channels
     */
    public CompletableFuture<List<LeapChannel>> listAsync() {
        ApiRequest req = calls.request("GET", CHANNELS, CHANNELS, null);
        return calls.call(
                req,
                (op, r) -> List.copyOf(calls.wire.channels(
                        op, r, calls.wire.data(op, r, "channels").get("channels"))));
    }

    /**
     * Gets one page of channels ({@code GET /v1/channels?page=N&sortBy=..&orderBy=..[&limit=..]}).
     *
     * @param page    the 1-based page number
     * @param options page size and order
     * @return the page; empty past the end
     * @throws LeapApiException on failure
     */
    public ChannelPage list(int page, ChannelListOptions options) {
        return await(listAsync(page, options), "GET " + CHANNELS);
    }

    /**
     * Asynchronous form of {@link #list(int, ChannelListOptions)}.
     *
     * @param page    the 1-based page number
     * @param options page size and order
     * @return the page
     */
    public CompletableFuture<ChannelPage> listAsync(int page, ChannelListOptions options) {
        if (page < 1) {
            throw new IllegalArgumentException("page must be >= 1");
        }
        Objects.requireNonNull(options, "options");
        List<String[]> query = new ArrayList<>();
        query.add(new String[] {"page", Integer.toString(page)});
        query.add(new String[] {"orderBy", options.order().wireValue()});
        query.add(new String[] {"sortBy", options.sortBy().wireValue()});
        if (options.pageSize() > 0) {
            query.add(new String[] {"limit", Integer.toString(options.pageSize())});
        }
        ApiRequest req = new ApiRequest("GET", "GET " + CHANNELS, CHANNELS, query, null, List.of());
        return calls.call(req, (op, r) -> {
            JsonNode data = calls.wire.data(op, r, "channels");
            JsonNode total = data.get("total_count");
            long totalCount = total != null && total.canConvertToLong() ? total.longValue() : -1L;
            return new ChannelPage(page, calls.wire.channels(op, r, data.get("channels")), totalCount);
        });
    }

    /**
     * Iterates over the pages of the channel list, fetching each page lazily when {@code hasNext()} needs it.
     * Starts at page 1 and stops at the first empty page, once {@code total_count} channels have been read (as the
     * Go SDK's paginator does), or at a page that repeats the previous one (a server that ignores {@code page}), so
     * it always ends. Channels created or deleted while paging may be skipped or seen twice.
     *
     * @param options page size and order
     * @return a single-use iterator; {@code hasNext()} and {@code next()} throw {@link LeapApiException} on failure
     */
    public Iterator<ChannelPage> pages(ChannelListOptions options) {
        Objects.requireNonNull(options, "options");
        return new ChannelPageIterator(page -> list(page, options));
    }

    /**
     * Streams the pages of the channel list lazily; see {@link #pages(ChannelListOptions)}.
     *
     * @param options page size and order
     * @return a sequential stream of non-empty pages
     */
    public Stream<ChannelPage> streamPages(ChannelListOptions options) {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(pages(options), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Streams every channel, page by page, fetching lazily; see {@link #pages(ChannelListOptions)}.
     *
     * @param options page size and order
     * @return a sequential stream of channels
     */
    public Stream<LeapChannel> stream(ChannelListOptions options) {
        return streamPages(options).flatMap(p -> p.channels().stream());
    }

    // ------------------------------------------------------------------------------------------------- state

    /**
     * Gets a channel's state ({@code GET /v1/channels/{channel_id}/state}).
     *
     * @param channelId the channel ID
     * @return the state
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public LeapState getState(String channelId) {
        return await(getStateAsync(channelId), "GET " + CHANNELS + "/{channel_id}/state");
    }

    /**
     * Gets a channel's state bound to a type, e.g. a record.
     *
     * @param channelId the channel ID
     * @param type      the target type
     * @param <T>       the target type
     * @return the bound state
     * @throws LeapApiException         on failure
     * @throws IllegalArgumentException if the state cannot be bound to {@code type}
     */
    public <T> T getState(String channelId, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return getState(channelId).as(type);
    }

    /**
     * Asynchronous form of {@link #getState(String)}.
     *
     * @param channelId the channel ID
     * @return the state
     */
    public CompletableFuture<LeapState> getStateAsync(String channelId) {
        ApiRequest req =
                calls.request("GET", CHANNELS + "/{channel_id}/state", channelPath(channelId) + "/state", null);
        return calls.call(
                req,
                (op, r) ->
                        calls.wire.state(op, r, calls.wire.data(op, r, "state").get("state")));
    }

    /**
     * Replaces a channel's state ({@code PUT /v1/channels/{channel_id}/state}). Live subscribers get
     * {@code STATE_UPDATE} with the new state.
     *
     * @param channelId the channel ID
     * @param state     the new state; must serialise to a JSON object
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public void setState(String channelId, Object state) {
        await(setStateAsync(channelId, state), "PUT " + CHANNELS + "/{channel_id}/state");
    }

    /**
     * Asynchronous form of {@link #setState(String, Object)}.
     *
     * @param channelId the channel ID
     * @param state     the new state
     * @return completes when replaced
     */
    public CompletableFuture<Void> setStateAsync(String channelId, Object state) {
        String path = channelPath(channelId) + "/state";
        byte[] body = calls.stateBody(state, "state");
        return calls.callNoContent(calls.request("PUT", CHANNELS + "/{channel_id}/state", path, body));
    }

    /**
     * Patches a channel's state ({@code PATCH /v1/channels/{channel_id}/state}): each top-level key of
     * {@code partialState} replaces that key (nested objects are replaced whole; a {@code null} value is stored
     * as {@code null}); other keys stay. Live subscribers get {@code STATE_UPDATE} with the complete merged state.
     * Not retried after a response (PATCH is not idempotent).
     *
     * @param channelId    the channel ID
     * @param partialState the keys to set; must serialise to a JSON object
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public void patchState(String channelId, Object partialState) {
        await(patchStateAsync(channelId, partialState), "PATCH " + CHANNELS + "/{channel_id}/state");
    }

    /**
     * Asynchronous form of {@link #patchState(String, Object)}.
     *
     * @param channelId    the channel ID
     * @param partialState the keys to set
     * @return completes when patched
     */
    public CompletableFuture<Void> patchStateAsync(String channelId, Object partialState) {
        String path = channelPath(channelId) + "/state";
        byte[] body = calls.stateBody(partialState, "partialState");
        return calls.callNoContent(calls.request("PATCH", CHANNELS + "/{channel_id}/state", path, body));
    }

    // ---------------------------------------------------------------------------------------------- publish

    /**
     * Publishes a message to a channel ({@code POST /v1/channels/{channel_id}/messages}), as
     * {@code LeapClient.publish(channelId, event, data)} does over the socket. Live subscribers get
     * {@code MESSAGE}; nothing is stored, and success does not mean anyone received it. Not retried after a
     * response.
     *
     * @param channelId the channel ID
     * @param event     the event name, non-empty (the embedded server allows at most 256 characters)
     * @param data      the payload, any JSON value ({@code null} sends JSON {@code null}); objects are advised
     * @throws LeapApiException on failure, 404 if the channel does not exist
     * @see TokenOperations#publishDirect(String, String, Object) sending to one token
     */
    public void publish(String channelId, String event, Object data) {
        await(publishAsync(channelId, event, data), "POST " + CHANNELS + "/{channel_id}/messages");
    }

    /**
     * Asynchronous form of {@link #publish(String, String, Object)}.
     *
     * @param channelId the channel ID
     * @param event     the event name
     * @param data      the payload
     * @return completes when accepted by the server
     */
    public CompletableFuture<Void> publishAsync(String channelId, String event, Object data) {
        String path = channelPath(channelId) + "/messages";
        return calls.callNoContent(
                calls.request("POST", CHANNELS + "/{channel_id}/messages", path, calls.messageBody(event, data)));
    }

    // ------------------------------------------------------------------------------------------- subscribers

    /**
     * Subscribes a Leap token to a channel ({@code PUT /v1/channels/{channel_id}/subscribers/{token}}); works for
     * every channel type and is idempotent. If the subscription is new, the token's live connections get
     * {@code AVAILABLE}.
     *
     * @param channelId the channel ID
     * @param token     the Leap token
     * @throws LeapApiException on failure, 404 if the channel or the token does not exist
     */
    public void subscribeToken(String channelId, String token) {
        await(subscribeTokenAsync(channelId, token), "PUT " + CHANNELS + "/{channel_id}/subscribers/{token}");
    }

    /**
     * Asynchronous form of {@link #subscribeToken(String, String)}.
     *
     * @param channelId the channel ID
     * @param token     the Leap token
     * @return completes when subscribed
     */
    public CompletableFuture<Void> subscribeTokenAsync(String channelId, String token) {
        return calls.callNoContent(calls.subscriberRequest("PUT", channelId, token));
    }

    /**
     * Removes a Leap token from a channel ({@code DELETE /v1/channels/{channel_id}/subscribers/{token}});
     * idempotent. If the token was subscribed, its live connections get {@code UNAVAILABLE}.
     *
     * @param channelId the channel ID
     * @param token     the Leap token
     * @throws LeapApiException on failure, 404 if the channel or the token does not exist
     */
    public void unsubscribeToken(String channelId, String token) {
        await(unsubscribeTokenAsync(channelId, token), "DELETE " + CHANNELS + "/{channel_id}/subscribers/{token}");
    }

    /**
     * Asynchronous form of {@link #unsubscribeToken(String, String)}.
     *
     * @param channelId the channel ID
     * @param token     the Leap token
     * @return completes when removed
     */
    public CompletableFuture<Void> unsubscribeTokenAsync(String channelId, String token) {
        return calls.callNoContent(calls.subscriberRequest("DELETE", channelId, token));
    }

    /**
     * Lists the tokens subscribed to a channel ({@code GET /v1/channels/{channel_id}/tokens}).
     *
     * @param channelId the channel ID
     * @return the subscribed tokens
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public List<LeapToken> listTokens(String channelId) {
        return await(listTokensAsync(channelId), "GET " + CHANNELS + "/{channel_id}/tokens");
    }

    /**
     * Asynchronous form of {@link #listTokens(String)}.
     *
     * @param channelId the channel ID
     * @return the subscribed tokens
     */
    public CompletableFuture<List<LeapToken>> listTokensAsync(String channelId) {
        ApiRequest req =
                calls.request("GET", CHANNELS + "/{channel_id}/tokens", channelPath(channelId) + "/tokens", null);
        return calls.call(
                req,
                (op, r) -> List.copyOf(calls.wire.tokens(
                        op, r, calls.wire.data(op, r, "tokens").get("tokens"))));
    }

    // ------------------------------------------------------------------------------------------------- stats

    /**
     * Gets a channel's live statistics ({@code GET /v1/channels/{channel_id}/stats}).
     *
     * @param channelId the channel ID
     * @return the stats
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public ChannelStats getStats(String channelId) {
        return await(getStatsAsync(channelId), "GET " + CHANNELS + "/{channel_id}/stats");
    }

    /**
     * Asynchronous form of {@link #getStats(String)}.
     *
     * @param channelId the channel ID
     * @return the stats
     */
    public CompletableFuture<ChannelStats> getStatsAsync(String channelId) {
        ApiRequest req =
                calls.request("GET", CHANNELS + "/{channel_id}/stats", channelPath(channelId) + "/stats", null);
        return calls.call(
                req,
                (op, r) ->
                        calls.wire.stats(op, r, calls.wire.data(op, r, "stats").get("stats")));
    }

    private LeapChannel channel(String op, HttpCaller.Response r) {
        return calls.wire.channel(op, r, calls.wire.data(op, r, "channel").get("channel"));
    }

    @Override
    public String toString() {
        return "ChannelOperations";
    }
}
