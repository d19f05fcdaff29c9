package io.leap.client.rest;

import static io.leap.client.rest.RestCalls.TOKENS;
import static io.leap.client.rest.RestCalls.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Leap token routes of the Channels REST API ({@code /v1/channels/tokens/...}): creating tokens for socket
 * clients, their state, presence and direct messages. Obtain it with {@link LeapApi#tokens()}.
 *
 * <pre>{@code
 * LeapToken token = api.tokens().create(Map.of("user_id", "42"));   // give token.id() to a socket client
 * api.tokens().publishDirect(token.id(), "NOTICE", Map.of("text", "Hi"));
 * }</pre>
 *
 * <p>Every operation has a blocking form and an {@code ...Async} form returning a {@link CompletableFuture}, with
 * the semantics described on {@link LeapApi}. Token IDs are secrets: they never appear in exceptions or logs.
 * Thread-safe.
 */
public final class TokenOperations {

    private final RestCalls calls;

    TokenOperations(RestCalls calls) {
        this.calls = calls;
    }

    /**
     * Creates a Leap token with an empty state ({@code POST /v1/channels/tokens}).
     *
     * @return the token; its {@link LeapToken#id()} is the secret a socket client identifies with
     * @throws LeapApiException on failure
     */
    public LeapToken create() {
        return create(null);
    }

    /**
     * Creates a Leap token ({@code POST /v1/channels/tokens}).
     *
     * @param state the token's metadata (a JSON object, shown to the socket client in {@code INIT}), or
     *              {@code null} for {@code {}}
     * @return the token
     * @throws LeapApiException on failure
     */
    public LeapToken create(Object state) {
        return await(createAsync(state), "POST " + TOKENS);
    }

    /**
     * Asynchronous form of {@link #create()}.
     *
     * @return the token
     */
    public CompletableFuture<LeapToken> createAsync() {
        return createAsync(null);
    }

    /**
     * Asynchronous form of {@link #create(Object)}.
     *
     * @param state the token's metadata, or {@code null} for {@code {}}
     * @return the token
     */
    public CompletableFuture<LeapToken> createAsync(Object state) {
        ApiRequest req = calls.request("POST", TOKENS, TOKENS, calls.wrappedStateBody(state));
        calls.requireProjectForCreation(req.operation());
        return calls.call(req, this::token);
    }

    /**
     * Gets a Leap token ({@code GET /v1/channels/tokens/{token}}).
     *
     * @param token the Leap token
     * @return the token with its state and online status
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public LeapToken get(String token) {
        return await(getAsync(token), "GET " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #get(String)}.
     *
     * @param token the Leap token
     * @return the token
     */
    public CompletableFuture<LeapToken> getAsync(String token) {
        return calls.call(calls.tokenRequest("GET", "", token, null), this::token);
    }

    /**
     * Lists every Leap token of the project ({@code GET /v1/channels/tokens}).
     *
     * @return the tokens
     * @throws LeapApiException on failure
     */
    public List<LeapToken> list() {
        return await(listAsync(), "GET " + TOKENS);
    }

    /**
     * Asynchronous form of {@link #list()}.
     *
     * @return the tokens
     */
    public CompletableFuture<List<LeapToken>> listAsync() {
        ApiRequest req = calls.request("GET", TOKENS, TOKENS, null);
        return calls.call(
                req,
                (op, r) -> List.copyOf(calls.wire.tokens(
                        op, r, calls.wire.data(op, r, "tokens").get("tokens"))));
    }

    /**
     * Deletes a Leap token ({@code DELETE /v1/channels/tokens/{token}}). Its subscriptions are removed and its
     * live socket connections are closed (code 4001).
     *
     * @param token the Leap token
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public void delete(String token) {
        await(deleteAsync(token), "DELETE " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #delete(String)}.
     *
     * @param token the Leap token
     * @return completes when deleted
     */
    public CompletableFuture<Void> deleteAsync(String token) {
        return calls.callNoContent(calls.tokenRequest("DELETE", "", token, null));
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
    public LeapToken setState(String token, Object state) {
        return await(setStateAsync(token, state), "PATCH " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #setState(String, Object)}.
     *
     * @param token the Leap token
     * @param state the new state
     * @return the updated token
     */
    public CompletableFuture<LeapToken> setStateAsync(String token, Object state) {
        java.util.Objects.requireNonNull(state, "state");
        return calls.call(calls.tokenRequest("PATCH", "", token, calls.wrappedStateBody(state)), this::token);
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
     * @see ChannelOperations#publish(String, String, Object) publishing to a channel
     */
    public void publishDirect(String token, String event, Object data) {
        await(publishDirectAsync(token, event, data), "POST " + TOKENS + "/{token}/messages");
    }

    /**
     * Asynchronous form of {@link #publishDirect(String, String, Object)}.
     *
     * @param token the Leap token
     * @param event the event name
     * @param data  the payload
     * @return completes when accepted by the server
     */
    public CompletableFuture<Void> publishDirectAsync(String token, String event, Object data) {
        return calls.callNoContent(calls.tokenRequest("POST", "/messages", token, calls.messageBody(event, data)));
    }

    /**
     * Tells whether a Leap token has a live socket connection (reads {@code is_online} from
     * {@code GET /v1/channels/tokens/{token}}).
     *
     * @param token the Leap token
     * @return {@code true} if at least one connection identified with it is open
     * @throws LeapApiException on failure, 404 if it does not exist
     */
    public boolean isOnline(String token) {
        return await(isOnlineAsync(token), "GET " + TOKENS + "/{token}");
    }

    /**
     * Asynchronous form of {@link #isOnline(String)}.
     *
     * @param token the Leap token
     * @return whether it is online
     */
    public CompletableFuture<Boolean> isOnlineAsync(String token) {
        return getAsync(token).thenApply(LeapToken::online);
    }

    private LeapToken token(String op, HttpCaller.Response r) {
        return calls.wire.token(op, r, calls.wire.data(op, r, "token").get("token"));
    }

    @Override
    public String toString() {
        return "TokenOperations";
    }
}
