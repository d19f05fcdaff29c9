package io.leap.client.rest;

import io.leap.client.ChannelType;
import io.leap.client.internal.Redaction;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Client for the Hop Channels REST API (channels, channel state, messages, subscribers and Leap tokens).
 *
 * <pre>{@code
 * LeapApi api = LeapApi.builder("ptk_...").build();            // https://api.hop.io
 * LeapChannel chat = api.createChannel("group_chat_1", ChannelType.PUBLIC, Map.of("round", 1));
 * api.publishMessage("group_chat_1", "MESSAGE_CREATE", Map.of("content", "Hello"));
 * LeapToken token = api.createToken(Map.of("user_id", "42"));   // give token.id() to a socket client
 * api.subscribeToken("group_chat_1", token.id());
 * }</pre>
 *
 * <p><b>Authentication.</b> The credential is sent raw in the {@code Authorization} header (no scheme word). It
 * must be a project token ({@code ptk_...}, recommended), a personal access token ({@code pat_...}) or a bearer
 * token ({@code bearer_...}). With a project ID configured, {@code project=<id>} is added to every request; a PAT or
 * bearer credential needs one to create channels and tokens. The credential never appears in exceptions, logs or
 * {@code toString()}, nor do Leap token IDs.
 *
 * <p><b>Calls.</b> Every operation has a blocking form and an {@code ...Async} form returning a
 * {@link CompletableFuture}. Failures are {@link LeapApiException}s (thrown, or completing the future
 * exceptionally); invalid arguments throw {@link IllegalArgumentException} or {@link NullPointerException} at once,
 * before any request. Each request has the configured timeout; idempotent calls are retried according to the
 * {@link RetryPolicy}. Cancelling a returned future cancels the request and pending retries. Futures complete on
 * an HTTP client thread: do not block in their callbacks.
 *
 * <p><b>State and data arguments</b> ({@code Object state}, {@code Object data}) may be a {@code Map}, a POJO or
 * record, a Jackson {@link JsonNode} or a {@link LeapState}; they are serialised with the configured
 * {@link JsonMapper}. States must serialise to a JSON object; message data may be any JSON value.
 *
 * <p>Instances are immutable and thread-safe; share one per credential.
 */
public final class LeapApi {

    /** The default base URL: Hop's production API origin. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.hop.io");

    private static final String CHANNELS = "/v1/channels";
    private static final String TOKENS = "/v1/channels/tokens";

    private final HttpCaller caller;
    private final WireFormat wire;
    private final JsonMapper mapper;
    private final URI baseUrl;
    private final String projectId;
    private final CredentialKind credentialKind;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final String redactedCredential;

    private LeapApi(Builder b, Duration connectTimeout) {
        this.mapper = b.jsonMapper != null ? b.jsonMapper : JsonMapper.shared();
        this.wire = new WireFormat(mapper);
        this.baseUrl = b.baseUrl;
        this.projectId = b.projectId;
        this.credentialKind = b.credentialKind;
        this.requestTimeout = b.requestTimeout;
        this.retryPolicy = b.retryPolicy;
        this.redactedCredential = Redaction.redactSecret(b.credential);
        HttpClient http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder()
                        .version(defaultVersion(baseUrl))
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        this.caller = new HttpCaller(http, mapper, baseUrl.toString(), b.credential, projectId, requestTimeout,
                retryPolicy, b.userAgent);
    }

    /**
     * The HTTP version the built-in client prefers: HTTP/1.1 for cleartext {@code http://}, since preferring HTTP/2
     * there makes the JDK send {@code Connection: Upgrade, HTTP2-Settings} and {@code Upgrade: h2c} on every request,
     * which servers that also accept WebSocket upgrades on the same port answer with 400 or 405; HTTP/2 for
     * {@code https://}, negotiated by ALPN (falling back to HTTP/1.1).
     */
    static HttpClient.Version defaultVersion(URI baseUrl) {
        return "https".equals(baseUrl.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    }

    /**
     * Starts building a client.
     *
     * @param credential a project token ({@code ptk_...}), personal access token ({@code pat_...}) or bearer token
     *                   ({@code bearer_...})
     * @return the builder
     * @throws IllegalArgumentException if the credential is not of one of these kinds (the message does not echo
     *                                  it)
     * @throws NullPointerException     if {@code credential} is {@code null}
     */
    public static Builder builder(String credential) {
        return new Builder(credential);
    }

    /**
     * Returns the base URL (the origin, without {@code /v1}).
     *
     * @return the base URL
     */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Returns the configured project ID.
     *
     * @return the project ID, if configured
     */
    public Optional<String> projectId() {
        return Optional.ofNullable(projectId);
    }

    /**
     * Returns the per-request timeout.
     *
     * @return the timeout
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Returns the retry policy.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    @Override
    public String toString() {
        return "LeapApi[baseUrl=" + baseUrl + ", projectId=" + projectId + ", credential=" + redactedCredential + "]";
    }

    // ------------------------------------------------------------------------------------------------ channels

    /**
     * Creates a channel with a generated ID ({@code POST /v1/channels}).
     *
     * @param type  the channel type
     * @param state the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     * @throws LeapApiException on failure (e.g. 400 for an invalid state)
     */
    public LeapChannel createChannel(ChannelType type, Object state) {
        return await(createChannelAsync(type, state), "POST " + CHANNELS);
    }

    /**
     * Creates a channel with a generated ID ({@code POST /v1/channels}); asynchronous form of
     * {@link #createChannel(ChannelType, Object)}.
     *
     * @param type  the channel type
     * @param state the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     */
    public CompletableFuture<LeapChannel> createChannelAsync(ChannelType type, Object state) {
        ApiRequest req = request("POST", CHANNELS, CHANNELS, createChannelBody(type, state));
        requireProjectForCreation(req.operation());
        return call(req, (op, r) -> wire.channel(op, r, wire.data(op, r, "channel").get("channel")));
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
    public LeapChannel createChannel(String channelId, ChannelType type, Object state) {
        return await(createChannelAsync(channelId, type, state), "PUT " + CHANNELS + "/{channel_id}");
    }

    /**
     * Creates a channel with the given ID; asynchronous form of
     * {@link #createChannel(String, ChannelType, Object)}.
     *
     * @param channelId the channel ID
     * @param type      the channel type
     * @param state     the initial state (a JSON object), or {@code null} for {@code {}}
     * @return the created channel
     */
    public CompletableFuture<LeapChannel> createChannelAsync(String channelId, ChannelType type, Object state) {
        ApiRequest req = request("PUT", CHANNELS + "/{channel_id}", channelPath(channelId),
                createChannelBody(type, state));
        requireProjectForCreation(req.operation());
        return call(req, (op, r) -> wire.channel(op, r, wire.data(op, r, "channel").get("channel")));
    }

    /**
     * Gets a channel ({@code GET /v1/channels/{channel_id}}).
     *
     * @param channelId the channel ID
     * @return the channel
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public LeapChannel getChannel(String channelId) {
        return await(getChannelAsync(channelId), "GET " + CHANNELS + "/{channel_id}");
    }

    /**
     * Gets a channel; asynchronous form of {@link #getChannel(String)}.
     *
     * @param channelId the channel ID
     * @return the channel
     */
    public CompletableFuture<LeapChannel> getChannelAsync(String channelId) {
        ApiRequest req = request("GET", CHANNELS + "/{channel_id}", channelPath(channelId), null);
        return call(req, (op, r) -> wire.channel(op, r, wire.data(op, r, "channel").get("channel")));
    }

    /**
     * Gets a channel if it exists: like {@link #getChannel(String)} but a 404 gives an empty result.
     *
     * @param channelId the channel ID
     * @return the channel, or empty if it does not exist
     * @throws LeapApiException on any other failure
     */
    public Optional<LeapChannel> findChannel(String channelId) {
        return await(findChannelAsync(channelId), "GET " + CHANNELS + "/{channel_id}");
    }

    /**
     * Asynchronous form of {@link #findChannel(String)}.
     *
     * @param channelId the channel ID
     * @return the channel, or empty if it does not exist
     */
    public CompletableFuture<Optional<LeapChannel>> findChannelAsync(String channelId) {
        return getChannelAsync(channelId).handle((channel, error) -> {
            if (error == null) {
                return Optional.of(channel);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof LeapApiException lae && lae.isNotFound()) {
                return Optional.empty();
            }
            throw error instanceof java.util.concurrent.CompletionException ce ? ce
                    : new java.util.concurrent.CompletionException(error);
        });
    }

    /**
     * Lists every channel of the project in one request ({@code GET /v1/channels} without {@code page}).
     *
     * @return all channels
     * @throws LeapApiException on failure
     * @see #streamChannels(ChannelListOptions) paging through large projects
     */
    public List<LeapChannel> listChannels() {
        return await(listChannelsAsync(), "GET " + CHANNELS);
    }

    /**
     * Asynchronous form of {@link #listChannels()}.
     *
     * @return all channels
     */
    public CompletableFuture<List<LeapChannel>> listChannelsAsync() {
        ApiRequest req = request("GET", CHANNELS, CHANNELS, null);
        return call(req, (op, r) -> List.copyOf(wire.channels(op, r, wire.data(op, r, "channels").get("channels"))));
    }

    /**
     * Gets one page of channels ({@code GET /v1/channels?page=N&sortBy=..&orderBy=..[&limit=..]}).
     *
     * @param page    the 1-based page number
     * @param options page size and order
     * @return the page; empty past the end
     * @throws LeapApiException on failure
     */
    public ChannelPage listChannels(int page, ChannelListOptions options) {
        return await(listChannelsAsync(page, options), "GET " + CHANNELS);
    }

    /**
     * Asynchronous form of {@link #listChannels(int, ChannelListOptions)}.
     *
     * @param page    the 1-based page number
     * @param options page size and order
     * @return the page
     */
    public CompletableFuture<ChannelPage> listChannelsAsync(int page, ChannelListOptions options) {
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
        return call(req, (op, r) -> {
            JsonNode data = wire.data(op, r, "channels");
            JsonNode total = data.get("total_count");
            long totalCount = total != null && total.canConvertToLong() ? total.longValue() : -1L;
            return new ChannelPage(page, wire.channels(op, r, data.get("channels")), totalCount);
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
    public Iterator<ChannelPage> channelPages(ChannelListOptions options) {
        Objects.requireNonNull(options, "options");
        return new PageIterator(options);
    }

    /**
     * Streams the pages of the channel list lazily; see {@link #channelPages(ChannelListOptions)}.
     *
     * @param options page size and order
     * @return a sequential stream of non-empty pages
     */
    public Stream<ChannelPage> streamChannelPages(ChannelListOptions options) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(channelPages(options),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Streams every channel, page by page, fetching lazily; see {@link #channelPages(ChannelListOptions)}.
     *
     * @param options page size and order
     * @return a sequential stream of channels
     */
    public Stream<LeapChannel> streamChannels(ChannelListOptions options) {
        return streamChannelPages(options).flatMap(p -> p.channels().stream());
    }

    /**
     * Deletes a channel ({@code DELETE /v1/channels/{channel_id}}). Its subscriptions are removed and live
     * subscribers get {@code UNAVAILABLE}.
     *
     * @param channelId the channel ID
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public void deleteChannel(String channelId) {
        await(deleteChannelAsync(channelId), "DELETE " + CHANNELS + "/{channel_id}");
    }

    /**
     * Asynchronous form of {@link #deleteChannel(String)}.
     *
     * @param channelId the channel ID
     * @return completes when deleted
     */
    public CompletableFuture<Void> deleteChannelAsync(String channelId) {
        return callNoContent(request("DELETE", CHANNELS + "/{channel_id}", channelPath(channelId), null));
    }

    /**
     * Gets a channel's state ({@code GET /v1/channels/{channel_id}/state}).
     *
     * @param channelId the channel ID
     * @return the state
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public LeapState getChannelState(String channelId) {
        return await(getChannelStateAsync(channelId), "GET " + CHANNELS + "/{channel_id}/state");
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
    public <T> T getChannelState(String channelId, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return getChannelState(channelId).as(type);
    }

    /**
     * Asynchronous form of {@link #getChannelState(String)}.
     *
     * @param channelId the channel ID
     * @return the state
     */
    public CompletableFuture<LeapState> getChannelStateAsync(String channelId) {
        ApiRequest req = request("GET", CHANNELS + "/{channel_id}/state", channelPath(channelId) + "/state", null);
        return call(req, (op, r) -> wire.state(op, r, wire.data(op, r, "state").get("state")));
    }

    /**
     * Replaces a channel's state ({@code PUT /v1/channels/{channel_id}/state}). Live subscribers get
     * {@code STATE_UPDATE} with the new state.
     *
     * @param channelId the channel ID
     * @param state     the new state; must serialise to a JSON object
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public void setChannelState(String channelId, Object state) {
        await(setChannelStateAsync(channelId, state), "PUT " + CHANNELS + "/{channel_id}/state");
    }

    /**
     * Asynchronous form of {@link #setChannelState(String, Object)}.
     *
     * @param channelId the channel ID
     * @param state     the new state
     * @return completes when replaced
     */
    public CompletableFuture<Void> setChannelStateAsync(String channelId, Object state) {
        String path = channelPath(channelId) + "/state";
        byte[] body = bytes(stateNode(Objects.requireNonNull(state, "state")));
        return callNoContent(request("PUT", CHANNELS + "/{channel_id}/state", path, body));
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
    public void patchChannelState(String channelId, Object partialState) {
        await(patchChannelStateAsync(channelId, partialState), "PATCH " + CHANNELS + "/{channel_id}/state");
    }

    /**
     * Asynchronous form of {@link #patchChannelState(String, Object)}.
     *
     * @param channelId    the channel ID
     * @param partialState the keys to set
     * @return completes when patched
     */
    public CompletableFuture<Void> patchChannelStateAsync(String channelId, Object partialState) {
        String path = channelPath(channelId) + "/state";
        byte[] body = bytes(stateNode(Objects.requireNonNull(partialState, "partialState")));
        return callNoContent(request("PATCH", CHANNELS + "/{channel_id}/state", path, body));
    }

    /**
     * Publishes a message to a channel ({@code POST /v1/channels/{channel_id}/messages}). Live subscribers get
     * {@code MESSAGE}; nothing is stored, and success does not mean anyone received it. Not retried after a
     * response.
     *
     * @param channelId the channel ID
     * @param event     the event name, non-empty (the embedded server allows at most 256 characters)
     * @param data      the payload, any JSON value ({@code null} sends JSON {@code null}); objects are advised
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public void publishMessage(String channelId, String event, Object data) {
        await(publishMessageAsync(channelId, event, data), "POST " + CHANNELS + "/{channel_id}/messages");
    }

    /**
     * Asynchronous form of {@link #publishMessage(String, String, Object)}.
     *
     * @param channelId the channel ID
     * @param event     the event name
     * @param data      the payload
     * @return completes when accepted by the server
     */
    public CompletableFuture<Void> publishMessageAsync(String channelId, String event, Object data) {
        String path = channelPath(channelId) + "/messages";
        return callNoContent(request("POST", CHANNELS + "/{channel_id}/messages", path, messageBody(event, data)));
    }

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
        return callNoContent(subscriberRequest("PUT", channelId, token));
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
        await(unsubscribeTokenAsync(channelId, token),
                "DELETE " + CHANNELS + "/{channel_id}/subscribers/{token}");
    }

    /**
     * Asynchronous form of {@link #unsubscribeToken(String, String)}.
     *
     * @param channelId the channel ID
     * @param token     the Leap token
     * @return completes when removed
     */
    public CompletableFuture<Void> unsubscribeTokenAsync(String channelId, String token) {
        return callNoContent(subscriberRequest("DELETE", channelId, token));
    }

    /**
     * Lists the tokens subscribed to a channel ({@code GET /v1/channels/{channel_id}/tokens}).
     *
     * @param channelId the channel ID
     * @return the subscribed tokens
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public List<LeapToken> listChannelTokens(String channelId) {
        return await(listChannelTokensAsync(channelId), "GET " + CHANNELS + "/{channel_id}/tokens");
    }

    /**
     * Asynchronous form of {@link #listChannelTokens(String)}.
     *
     * @param channelId the channel ID
     * @return the subscribed tokens
     */
    public CompletableFuture<List<LeapToken>> listChannelTokensAsync(String channelId) {
        ApiRequest req = request("GET", CHANNELS + "/{channel_id}/tokens", channelPath(channelId) + "/tokens", null);
        return call(req, (op, r) -> List.copyOf(wire.tokens(op, r, wire.data(op, r, "tokens").get("tokens"))));
    }

    /**
     * Gets a channel's live statistics ({@code GET /v1/channels/{channel_id}/stats}).
     *
     * @param channelId the channel ID
     * @return the stats
     * @throws LeapApiException on failure, 404 if the channel does not exist
     */
    public ChannelStats getChannelStats(String channelId) {
        return await(getChannelStatsAsync(channelId), "GET " + CHANNELS + "/{channel_id}/stats");
    }

    /**
     * Asynchronous form of {@link #getChannelStats(String)}.
     *
     * @param channelId the channel ID
     * @return the stats
     */
    public CompletableFuture<ChannelStats> getChannelStatsAsync(String channelId) {
        ApiRequest req = request("GET", CHANNELS + "/{channel_id}/stats", channelPath(channelId) + "/stats", null);
        return call(req, (op, r) -> wire.stats(op, r, wire.data(op, r, "stats").get("stats")));
    }

    // -------------------------------------------------------------------------------------------------- tokens

    /**
     * Creates a Leap token with an empty state ({@code POST /v1/channels/tokens}).
     *
     * @return the token; its {@link LeapToken#id()} is the secret a socket client identifies with
     * @throws LeapApiException on failure
     */
    public LeapToken createToken() {
        return createToken(null);
    }

    /**
     * Creates a Leap token ({@code POST /v1/channels/tokens}).
     *
     * @param state the token's metadata (a JSON object, shown to the socket client in {@code INIT}), or
     *              {@code null} for {@code {}}
     * @return the token
     * @throws LeapApiException on failure
     */
    public LeapToken createToken(Object state) {
        return await(createTokenAsync(state), "POST " + TOKENS);
    }

    /**
     * Asynchronous form of {@link #createToken(Object)}.
     *
     * @param state the token's metadata, or {@code null} for {@code {}}
     * @return the token
     */
    public CompletableFuture<LeapToken> createTokenAsync(Object state) {
        ObjectNode body = mapper.createObjectNode();
        body.set("state", state == null ? mapper.createObjectNode() : stateNode(state));
        ApiRequest req = request("POST", TOKENS, TOKENS, bytes(body));
        requireProjectForCreation(req.operation());
        return call(req, (op, r) -> wire.token(op, r, wire.data(op, r, "token").get("token")));
    }

    /**
     * Gets a Leap token ({@code GET /v1/channels/tokens/{token}}).
     *
     * @param token the Leap token
     * @return the token with its state and online status
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public LeapToken getToken(String token) {
        return await(getTokenAsync(token), "GET " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #getToken(String)}.
     *
     * @param token the Leap token
     * @return the token
     */
    public CompletableFuture<LeapToken> getTokenAsync(String token) {
        ApiRequest req = tokenRequest("GET", "", token, null);
        return call(req, (op, r) -> wire.token(op, r, wire.data(op, r, "token").get("token")));
    }

    /**
     * Lists every Leap token of the project ({@code GET /v1/channels/tokens}).
     *
     * @return the tokens
     * @throws LeapApiException on failure
     */
    public List<LeapToken> listTokens() {
        return await(listTokensAsync(), "GET " + TOKENS);
    }

    /**
     * Asynchronous form of {@link #listTokens()}.
     *
     * @return the tokens
     */
    public CompletableFuture<List<LeapToken>> listTokensAsync() {
        ApiRequest req = request("GET", TOKENS, TOKENS, null);
        return call(req, (op, r) -> List.copyOf(wire.tokens(op, r, wire.data(op, r, "tokens").get("tokens"))));
    }

    /**
     * Deletes a Leap token ({@code DELETE /v1/channels/tokens/{token}}). Its subscriptions are removed and its
     * live socket connections are closed (code 4001).
     *
     * @param token the Leap token
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public void deleteToken(String token) {
        await(deleteTokenAsync(token), "DELETE " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #deleteToken(String)}.
     *
     * @param token the Leap token
     * @return completes when deleted
     */
    public CompletableFuture<Void> deleteTokenAsync(String token) {
        return callNoContent(tokenRequest("DELETE", "", token, null));
    }

    /**
     * Replaces a Leap token's state ({@code PATCH /v1/channels/tokens/{token}} with {@code {"state": ...}}). The
     * token's live connections get {@code TOKEN_STATE_UPDATE}. Not retried after a response.
     *
     * @param token the Leap token
     * @param state the new state; must serialise to a JSON object
     * @return the updated token
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public LeapToken setTokenState(String token, Object state) {
        return await(setTokenStateAsync(token, state), "PATCH " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #setTokenState(String, Object)}.
     *
     * @param token the Leap token
     * @param state the new state
     * @return the updated token
     */
    public CompletableFuture<LeapToken> setTokenStateAsync(String token, Object state) {
        ObjectNode body = mapper.createObjectNode();
        body.set("state", stateNode(Objects.requireNonNull(state, "state")));
        ApiRequest req = tokenRequest("PATCH", "", token, bytes(body));
        return call(req, (op, r) -> wire.token(op, r, wire.data(op, r, "token").get("token")));
    }

    /**
     * Sends a direct message to a Leap token ({@code POST /v1/channels/tokens/{token}/messages}). Its live
     * connections get {@code DIRECT_MESSAGE}; nothing is queued for an offline token. Not retried after a
     * response.
     *
     * @param token the Leap token
     * @param event the event name, non-empty
     * @param data  the payload, any JSON value
     * @throws LeapApiException on failure, 404 if the token does not exist
     */
    public void publishDirectMessage(String token, String event, Object data) {
        await(publishDirectMessageAsync(token, event, data), "POST " + TOKENS + "/{token}/messages");
    }

    /**
     * Asynchronous form of {@link #publishDirectMessage(String, String, Object)}.
     *
     * @param token the Leap token
     * @param event the event name
     * @param data  the payload
     * @return completes when accepted by the server
     */
    public CompletableFuture<Void> publishDirectMessageAsync(String token, String event, Object data) {
        return callNoContent(tokenRequest("POST", "/messages", token, messageBody(event, data)));
    }

    /**
     * Tells whether a Leap token has a live socket connection (reads {@code is_online} from
     * {@code GET /v1/channels/tokens/{token}}).
     *
     * @param token the Leap token
     * @return {@code true} if at least one connection identified with it is open
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public boolean isTokenOnline(String token) {
        return await(isTokenOnlineAsync(token), "GET " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #isTokenOnline(String)}.
     *
     * @param token the Leap token
     * @return whether it is online
     */
    public CompletableFuture<Boolean> isTokenOnlineAsync(String token) {
        return getTokenAsync(token).thenApply(LeapToken::online);
    }

    // ------------------------------------------------------------------------------------------------ internals

    @FunctionalInterface
    private interface Decoder<T> {
        T decode(String operation, HttpCaller.Response response);
    }

    private <T> CompletableFuture<T> call(ApiRequest req, Decoder<T> decoder) {
        CompletableFuture<HttpCaller.Response> sent = caller.send(req);
        CompletableFuture<T> result = sent.thenApply(r -> decoder.decode(req.operation(), r));
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                sent.cancel(true);
            }
        });
        return result;
    }

    private CompletableFuture<Void> callNoContent(ApiRequest req) {
        // Any 2xx is success: 204, or 200 with {"success":true,"data":{}} or any other body (REST spec §4.1).
        return call(req, (op, r) -> null);
    }

    private static <T> T await(CompletableFuture<T> future, String operation) {
        return HttpCaller.await(future, operation);
    }

    private ApiRequest request(String method, String template, String rawPath, byte[] body) {
        return new ApiRequest(method, method + " " + template, rawPath, List.of(), body, List.of());
    }

    private ApiRequest tokenRequest(String method, String suffix, String token, byte[] body) {
        requireId(token, "token");
        return new ApiRequest(method, method + " " + TOKENS + "/{token}" + suffix,
                TOKENS + "/" + UriEncoding.encode(token) + suffix, List.of(), body, List.of(token));
    }

    private ApiRequest subscriberRequest(String method, String channelId, String token) {
        String path = channelPath(channelId);
        requireId(token, "token");
        return new ApiRequest(method, method + " " + CHANNELS + "/{channel_id}/subscribers/{token}",
                path + "/subscribers/" + UriEncoding.encode(token), List.of(), null, List.of(token));
    }

    private static String channelPath(String channelId) {
        requireId(channelId, "channelId");
        if (channelId.equals("tokens")) {
            throw new IllegalArgumentException("\"tokens\" cannot be a channel ID: /v1/channels/tokens is the token "
                    + "collection (REST spec R-4)");
        }
        return CHANNELS + "/" + UriEncoding.encode(channelId);
    }

    private static void requireId(String id, String name) {
        Objects.requireNonNull(id, name);
        if (id.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private void requireProjectForCreation(String operation) {
        if (projectId == null && credentialKind != CredentialKind.PROJECT_TOKEN) {
            throw new IllegalStateException(operation + " with a " + credentialKind.description
                    + " needs a project ID: set LeapApi.Builder.projectId(...)");
        }
    }

    private byte[] createChannelBody(ChannelType type, Object state) {
        Objects.requireNonNull(type, "type");
        if (type == ChannelType.UNKNOWN) {
            throw new IllegalArgumentException("ChannelType.UNKNOWN cannot be used to create a channel");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("type", type.wireValue());
        body.set("state", state == null ? mapper.createObjectNode() : stateNode(state));
        return bytes(body);
    }

    private byte[] messageBody(String event, Object data) {
        Objects.requireNonNull(event, "event");
        if (event.isEmpty()) {
            throw new IllegalArgumentException("event must not be empty");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("e", event);
        body.set("d", toNode(data));
        return bytes(body);
    }

    private JsonNode stateNode(Object state) {
        JsonNode node = toNode(state);
        if (!node.isObject()) {
            throw new IllegalArgumentException("state must serialise to a JSON object, got " + node.getNodeType());
        }
        return node;
    }

    private JsonNode toNode(Object value) {
        if (value == null) {
            return mapper.nullNode();
        }
        if (value instanceof LeapState s) {
            return s.node();
        }
        if (value instanceof JsonNode n) {
            return n;
        }
        try {
            return mapper.valueToTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getName() + " to JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private final class PageIterator implements Iterator<ChannelPage> {
        private final ChannelListOptions options;
        private int nextPage = 1;
        private long read;
        private boolean done;
        private ChannelPage buffered;
        private List<String> previousIds = List.of();

        PageIterator(ChannelListOptions options) {
            this.options = options;
        }

        @Override
        public boolean hasNext() {
            if (buffered != null) {
                return true;
            }
            if (done) {
                return false;
            }
            ChannelPage page = listChannels(nextPage, options);
            if (page.isEmpty()) {
                done = true;
                return false;
            }
            List<String> ids = page.channels().stream().map(LeapChannel::id).toList();
            if (ids.equals(previousIds)) {
                // The server ignores page (and perhaps limit): it answered the previous page again.
                done = true;
                return false;
            }
            previousIds = ids;
            nextPage++;
            read += ids.size();
            if (page.totalCount() >= 0 && read >= page.totalCount()) {
                done = true;
            }
            buffered = page;
            return true;
        }

        @Override
        public ChannelPage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ChannelPage page = buffered;
            buffered = null;
            return page;
        }
    }

    /** The kinds of REST credentials, by prefix (REST spec §2.1). */
    enum CredentialKind {
        PROJECT_TOKEN("ptk", "project token"),
        PERSONAL_ACCESS_TOKEN("pat", "personal access token"),
        BEARER("bearer", "bearer token");

        final String prefix;
        final String description;

        CredentialKind(String prefix, String description) {
            this.prefix = prefix;
            this.description = description;
        }

        static CredentialKind of(String credential) {
            int underscore = credential.indexOf('_');
            String prefix = underscore < 0 ? "" : credential.substring(0, underscore);
            for (CredentialKind kind : values()) {
                if (kind.prefix.equals(prefix)) {
                    return kind;
                }
            }
            if (credential.startsWith("leap_token_")) {
                throw new IllegalArgumentException("a Leap token (leap_token_...) is a socket credential and is not "
                        + "accepted by the REST API: use a project token (ptk_...), a personal access token "
                        + "(pat_...) or a bearer token (bearer_...)");
            }
            throw new IllegalArgumentException("unsupported REST credential: expected a project token (ptk_...), a "
                    + "personal access token (pat_...) or a bearer token (bearer_...)");
        }
    }

    /**
     * Builds a {@link LeapApi}. Obtain one with {@link LeapApi#builder(String)}.
     */
    public static final class Builder {
        private final String credential;
        private final CredentialKind credentialKind;
        private String projectId;
        private URI baseUrl = DEFAULT_BASE_URL;
        private HttpClient httpClient;
        private JsonMapper jsonMapper;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String userAgent = "leap-java";

        private Builder(String credential) {
            Objects.requireNonNull(credential, "credential");
            this.credentialKind = CredentialKind.of(credential);
            String rest = credential.substring(credentialKind.prefix.length() + 1);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("the " + credentialKind.description + " is empty after its prefix");
            }
            for (int i = 0; i < credential.length(); i++) {
                char c = credential.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException("the " + credentialKind.description
                            + " contains whitespace, control or non-ASCII characters");
                }
            }
            this.credential = credential;
        }

        /**
         * Sets the project ID, sent as {@code project=<id>} on every request. Needed with a PAT or bearer token to
         * create channels and tokens (and by the server on most channel routes); optional with a project token.
         *
         * @param projectId the project ID, e.g. {@code project_MTY1...}, or {@code null} for none
         * @return this builder
         */
        public Builder projectId(String projectId) {
            if (projectId != null && projectId.isBlank()) {
                throw new IllegalArgumentException("projectId must not be blank");
            }
            this.projectId = projectId;
            return this;
        }

        /**
         * Sets the base URL: the API origin <em>without</em> {@code /v1} (default {@code https://api.hop.io}); the
         * client appends {@code /v1/...}. A trailing {@code /} is stripped. A path prefix is allowed (e.g. behind a
         * proxy), but one ending in {@code /v1} is refused, since it would give {@code /v1/v1/...}.
         *
         * @param baseUrl an absolute {@code http} or {@code https} URL without query or fragment
         * @return this builder
         * @throws IllegalArgumentException if the URL is not acceptable
         */
        public Builder baseUrl(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("baseUrl must be an absolute http or https URL, e.g. "
                        + "https://api.hop.io");
            }
            if (baseUrl.getRawAuthority() == null || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl has no host");
            }
            if (baseUrl.getRawUserInfo() != null) {
                throw new IllegalArgumentException("baseUrl must not contain user info");
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not have a query or fragment");
            }
            String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (path.endsWith("/v1")) {
                throw new IllegalArgumentException("baseUrl must be the origin without /v1 (e.g. https://api.hop.io);"
                        + " the client appends /v1/... itself");
            }
            this.baseUrl = URI.create(scheme.toLowerCase(java.util.Locale.ROOT) + "://" + baseUrl.getRawAuthority()
                    + path);
            return this;
        }

        /**
         * Sets the base URL from a string; see {@link #baseUrl(URI)}.
         *
         * @param baseUrl e.g. {@code https://api.hop.io} or {@code http://127.0.0.1:8080}
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            try {
                return baseUrl(new URI(baseUrl.strip()));
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URI: " + e.getReason(), e);
            }
        }

        /**
         * Uses this HTTP client instead of one built by the API client (which uses the connect timeout and never
         * follows redirects). The caller keeps ownership of it.
         *
         * @param httpClient the client
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * Sets the mapper used for request bodies, responses and {@link LeapState} conversions (default
         * {@link JsonMapper#shared()}).
         *
         * @param jsonMapper the mapper
         * @return this builder
         */
        public Builder jsonMapper(JsonMapper jsonMapper) {
            this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
            return this;
        }

        /**
         * Sets how long each request may take until its response arrives (default 10 s). Applies to each
         * attempt; a timed-out request is not retried.
         *
         * @param requestTimeout a positive duration
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * Sets the connect timeout of the HTTP client built by the API client (default: the request timeout).
         * Cannot be combined with {@link #httpClient(HttpClient)}.
         *
         * @param connectTimeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the retry policy (default {@link RetryPolicy#defaults()}).
         *
         * @param retryPolicy the policy; {@link RetryPolicy#none()} disables retries
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Sets the {@code User-Agent} header (default {@code leap-java}).
         *
         * @param userAgent the header value
         * @return this builder
         */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("userAgent must be non-blank printable text");
            }
            this.userAgent = userAgent;
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the client
         * @throws IllegalStateException if both a connect timeout and an HTTP client were given
         */
        public LeapApi build() {
            if (httpClient != null && connectTimeout != null) {
                throw new IllegalStateException("connectTimeout only applies to the HTTP client built by LeapApi; "
                        + "configure it on the HttpClient you pass instead");
            }
            return new LeapApi(this, connectTimeout != null ? connectTimeout : requestTimeout);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }

        @Override
        public String toString() {
            return "LeapApi.Builder[baseUrl=" + baseUrl + ", projectId=" + projectId + ", credential="
                    + Redaction.redactSecret(credential) + "]";
        }
    }
}
