package io.leap.client.rest;

import io.leap.client.internal.Redaction;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client for the Hop Channels REST API (channels, channel state, messages, subscribers and Leap tokens).
 *
 * <pre>{@code
 * LeapApi api = LeapApi.builder("ptk_...").build();                     // https://api.hop.io
 * LeapChannel chat = api.channels().create("group_chat_1", ChannelType.PUBLIC, Map.of("round", 1));
 * api.channels().publish("group_chat_1", "MESSAGE_CREATE", Map.of("content", "Hello"));
 * LeapToken token = api.tokens().create(Map.of("user_id", "42"));        // give token.id() to a socket client
 * api.channels().subscribeToken("group_chat_1", token.id());
 * api.tokens().publishDirect(token.id(), "WELCOME", Map.of("round", 1));
 * }</pre>
 *
 * <p><b>Authentication.</b> The credential is sent raw in the {@code Authorization} header (no scheme word). It
 * must be a project token ({@code ptk_...}, recommended), a personal access token ({@code pat_...}) or a bearer
 * token ({@code bearer_...}). With a project ID configured, {@code project=<id>} is added to every request; a PAT or
 * bearer credential needs one to create channels and tokens. The credential never appears in exceptions, logs or
 * {@code toString()}, nor do Leap token IDs.
 *
 * <p><b>Operations</b> are grouped by resource: {@link #channels()} ({@link ChannelOperations}) and
 * {@link #tokens()} ({@link TokenOperations}).
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

    private final ChannelOperations channels;
    private final TokenOperations tokens;
    private final URI baseUrl;
    private final String projectId;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final String redactedCredential;

    private LeapApi(Builder b, Duration connectTimeout) {
        JsonMapper mapper = b.jsonMapper != null ? b.jsonMapper : JsonMapper.shared();
        this.baseUrl = b.baseUrl;
        this.projectId = b.projectId;
        this.requestTimeout = b.requestTimeout;
        this.retryPolicy = b.retryPolicy;
        this.redactedCredential = Redaction.redactSecret(b.credential);
        HttpClient http = b.httpClient != null ? b.httpClient : b.newHttpClient(connectTimeout);
        HttpCaller caller = new HttpCaller(
                http,
                mapper,
                baseUrl.toString(),
                b.credential,
                projectId,
                requestTimeout,
                retryPolicy,
                b.userAgent,
                b.requestHeaders);
        RestCalls calls = new RestCalls(caller, mapper, projectId, b.credentialKind);
        this.channels = new ChannelOperations(calls);
        this.tokens = new TokenOperations(calls);
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
     * The channel routes: channels, their state, publishing, subscribers and statistics.
     *
     * @return the channel operations of this client
     */
    public ChannelOperations channels() {
        return channels;
    }

    /**
     * The Leap token routes: tokens, their state, presence and direct messages.
     *
     * @return the token operations of this client
     */
    public TokenOperations tokens() {
        return tokens;
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
        private SSLContext sslContext;
        private SSLParameters sslParameters;
        private ProxySelector proxy;
        private Supplier<? extends Map<String, String>> requestHeaders;

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
                throw new IllegalArgumentException(
                        "baseUrl must be an absolute http or https URL, e.g. " + "https://api.hop.io");
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
            this.baseUrl =
                    URI.create(scheme.toLowerCase(java.util.Locale.ROOT) + "://" + baseUrl.getRawAuthority() + path);
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
         * Sets the TLS context of the HTTP client built by the API client, e.g. one trusting a private CA (default
         * {@link SSLContext#getDefault()}). Host names are verified in any case. Cannot be combined with
         * {@link #httpClient(HttpClient)}.
         *
         * @param sslContext the context
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Sets the TLS parameters (protocols, cipher suites, ...) of the HTTP client built by the API client. Cannot
         * be combined with {@link #httpClient(HttpClient)}.
         *
         * @param sslParameters the parameters
         * @return this builder
         */
        public Builder sslParameters(SSLParameters sslParameters) {
            this.sslParameters = Objects.requireNonNull(sslParameters, "sslParameters");
            return this;
        }

        /**
         * Sends requests through an HTTP proxy chosen per URL: {@code https://} is tunnelled with {@code CONNECT},
         * {@code http://} is forwarded in absolute form. Default: no proxy (not even the system's
         * {@link ProxySelector#getDefault()}). Cannot be combined with {@link #httpClient(HttpClient)}; proxy
         * authentication needs an {@code HttpClient} with an {@code Authenticator}, passed there.
         *
         * @param proxySelector the selector, e.g. {@link ProxySelector#getDefault()}
         * @return this builder
         */
        public Builder proxy(ProxySelector proxySelector) {
            this.proxy = Objects.requireNonNull(proxySelector, "proxySelector");
            return this;
        }

        /**
         * Sends every request through this HTTP proxy; see {@link #proxy(ProxySelector)}.
         *
         * @param proxyAddress the proxy's host and port
         * @return this builder
         */
        public Builder proxy(InetSocketAddress proxyAddress) {
            return proxy(ProxySelector.of(Objects.requireNonNull(proxyAddress, "proxyAddress")));
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
         * Sets a source of extra headers for each request, for example W3C {@code traceparent} / {@code tracestate}
         * headers from the current trace. The supplier is called once per operation, on the thread that calls the
         * operation (also for the {@code ...Async} forms), while the request is built; retries of that operation
         * send the same headers. It must be fast and thread-safe and may return {@code null} or an empty map for no
         * extra headers.
         *
         * <p>The client's own headers ({@code Authorization}, {@code Accept}, {@code User-Agent},
         * {@code Content-Type}) cannot be replaced: an operation for which the supplier returns one of them, a name
         * or value the JDK HTTP client refuses, or a {@code null} name or value, fails at once with
         * {@link IllegalArgumentException} (naming the header, never its value) and sends nothing. An exception
         * thrown by the supplier propagates the same way.
         *
         * @param requestHeaders the supplier of header names and values, or {@code null} for none (the default)
         * @return this builder
         */
        public Builder requestHeaders(Supplier<? extends Map<String, String>> requestHeaders) {
            this.requestHeaders = requestHeaders;
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the client
         * @throws IllegalStateException if an HTTP client was given together with a connect timeout, TLS or proxy
         *                               settings
         */
        public LeapApi build() {
            if (httpClient != null
                    && (connectTimeout != null || sslContext != null || sslParameters != null || proxy != null)) {
                throw new IllegalStateException("connectTimeout, sslContext, sslParameters and proxy only apply to "
                        + "the HTTP client built by LeapApi; configure them on the HttpClient you pass instead");
            }
            return new LeapApi(this, connectTimeout != null ? connectTimeout : requestTimeout);
        }

        /** The HTTP client LeapApi builds: see {@link LeapApi#defaultVersion(URI)} for the HTTP version. */
        private HttpClient newHttpClient(Duration connectTimeout) {
            HttpClient.Builder http = HttpClient.newBuilder()
                    .version(defaultVersion(baseUrl))
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (sslContext != null) {
                http.sslContext(sslContext);
            }
            if (sslParameters != null) {
                http.sslParameters(sslParameters);
            }
            if (proxy != null) {
                http.proxy(proxy);
            }
            return http.build();
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
