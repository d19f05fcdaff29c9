package io.leap.spring.autoconfigure;

import io.leap.client.OverflowPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration properties for the Leap client ({@code leap.*}).
 *
 * <p>The client itself is built from a {@link LeapConnectionDetails} bean (URL, project id, token); by default that
 * bean adapts the {@code leap.url}, {@code leap.project-id} and {@code leap.token} properties. Every other property
 * here tunes the client, its lifecycle and the Spring integration.
 *
 * <p>The properties validate themselves when they are bound ({@link #validate(Object, Errors)}): a bad value (a
 * {@code leap.url} that is not a ws/wss URL, a duration that is not positive, a buffer size below 1, ...) fails startup
 * with Boot's report naming the property, its value, where it was set and what is allowed. The numeric bounds are also
 * declared as Bean Validation constraints, which Boot applies when a provider is present.
 */
@ConfigurationProperties("leap")
@Validated
public class LeapProperties implements Validator {

    private static final Set<String> SOCKET_SCHEMES = java.util.Set.of("ws", "wss");

    /** Default Leap Edge socket URL of the Hop platform. */
    public static final URI DEFAULT_URL = URI.create("wss://leap.hop.io/ws");

    /**
     * Default phase of the client connection lifecycle: below the web server's start/stop phase
     * ({@code Integer.MAX_VALUE - 2048}) so that the connection opens before the web server accepts requests and closes
     * only after the web server has drained in-flight requests.
     */
    public static final int DEFAULT_CLIENT_PHASE = Integer.MAX_VALUE - 4096;

    /**
     * Default phase of the ApplicationEvent bridge: above every web phase so that inbound delivery stops first on
     * shutdown.
     */
    public static final int DEFAULT_EVENTS_PHASE = Integer.MAX_VALUE - 100;

    /**
     * Whether to auto-configure the Leap client.
     */
    private boolean enabled = true;

    /**
     * Hop project id the client connects to, for example "project_MTY1MjU5NTk1NTAwNTY4NTc3".
     */
    private @Nullable String projectId;

    /**
     * Leap token ("leap_token_...") the client identifies with. Required unless "leap.anonymous" is true.
     */
    private @Nullable String token;

    /**
     * Whether the client may connect without a Leap token (anonymous connections can only use unprotected channels and
     * lose their subscriptions when they disconnect).
     */
    private boolean anonymous = false;

    /**
     * Leap Edge socket URL. A "compression" query parameter written here is kept as given; without one the client adds
     * "encoding=json" and the "compression" parameter chosen by "leap.compression".
     */
    @NotNull
    private URI url = DEFAULT_URL;

    /**
     * Whether to ask the server for zlib-compressed payloads ("compression=zlib" rather than "none" in the socket URL's
     * query). When not set, a "compression" parameter of "leap.url" is kept, and zlib is asked for when there is none.
     * Setting it to a value that contradicts the URL's parameter fails startup.
     */
    private @Nullable Boolean compression;

    /**
     * Channels to subscribe to once connected (and again after every reconnect when the connection is anonymous).
     */
    private List<String> channels = new ArrayList<>();

    /**
     * Whether application startup fails when the first connection (and the subscriptions of "leap.channels") cannot be
     * established within "leap.connect-timeout"; the first connection is then not retried. When false the application
     * starts anyway, the client retries its first connection with the "leap.reconnect" backoff in the background and
     * the health indicator reports DOWN until it is connected.
     */
    private boolean failFast = false;

    /**
     * Maximum time to wait for the socket to open and the server to acknowledge the Identify (INIT).
     */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /**
     * Maximum time to wait for a heartbeat acknowledgement before the connection is considered dead and replaced. When
     * not set the client derives it from the server's heartbeat interval.
     */
    private @Nullable Duration heartbeatAckTimeout;

    /**
     * Maximum time to wait for the server to answer a channel subscription.
     */
    private Duration subscribeTimeout = Duration.ofSeconds(10);

    /**
     * Time between requests for channels that are wanted (in "leap.channels", named by @LeapListener methods or
     * subscribed through the client) but were refused, went unanswered or were revoked by the server, while connected.
     * The client remembers them and asks again on this interval until they are unsubscribed.
     */
    private Duration subscriptionRetryInterval = Duration.ofSeconds(10);

    /**
     * Whether to record a "leap.client.publish" observation of every message published over the socket with
     * LeapClient#publish or #publishAsync (including @SendTo replies). Needs an ObservationRegistry bean.
     */
    private boolean observationEnabled = false;

    @Valid
    private final Reconnect reconnect = new Reconnect();

    @Valid
    private final Delivery delivery = new Delivery();

    @Valid
    private final Lifecycle lifecycle = new Lifecycle();

    @Valid
    private final Events events = new Events();

    @Valid
    private final Metrics metrics = new Metrics();

    @Valid
    private final Transport transport = new Transport();

    @Valid
    private final Embedded embedded = new Embedded();

    // --- TLS and proxy of the WebSocket transport (leap.ssl.*, leap.proxy.*) ---

    @NestedConfigurationProperty
    private final LeapSslSettings ssl = new LeapSslSettings();

    @NestedConfigurationProperty
    private final LeapProxySettings proxy = new LeapProxySettings();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    public @Nullable String getProjectId() {
        return this.projectId;
    }

    public void setProjectId(@Nullable String projectId) {
        this.projectId = projectId;
    }

    public @Nullable String getToken() {
        return this.token;
    }

    public void setToken(@Nullable String token) {
        this.token = token;
    }

    public boolean isAnonymous() {
        return this.anonymous;
    }

    public void setAnonymous(boolean anonymous) {
        this.anonymous = anonymous;
    }

    public URI getUrl() {
        return this.url;
    }

    public void setUrl(URI url) {
        this.url = url;
    }

    public @Nullable Boolean getCompression() {
        return this.compression;
    }

    public void setCompression(@Nullable Boolean compression) {
        this.compression = compression;
    }

    /**
     * Whether the client asks for zlib compression on the given socket URL: the URL's own "compression" parameter
     * when it has one, else {@code leap.compression}, else {@code true}.
     * @param url the socket URL the client connects to
     * @return {@code true} for zlib
     */
    public boolean determineCompression(URI url) {
        String fromUrl = compressionParameter(url);
        if (fromUrl != null) {
            return "zlib".equalsIgnoreCase(fromUrl);
        }
        return (this.compression != null) ? this.compression : true;
    }

    /**
     * The value of the {@code compression} query parameter of a socket URL.
     * @param url the URL
     * @return the value ("" for a parameter without one), or {@code null} when the URL has none
     */
    static @Nullable String compressionParameter(@Nullable URI url) {
        String query = (url != null) ? url.getRawQuery() : null;
        if (query == null) {
            return null;
        }
        for (String parameter : query.split("&")) {
            if (parameter.equals("compression")) {
                return "";
            }
            if (parameter.startsWith("compression=")) {
                return parameter.substring("compression=".length());
            }
        }
        return null;
    }

    /**
     * Whether {@code leap.compression} contradicts the {@code compression} parameter of the given URL.
     * @param url the socket URL
     * @return {@code true} when both are set and disagree
     */
    boolean compressionConflicts(@Nullable URI url) {
        String fromUrl = compressionParameter(url);
        if (this.compression == null || fromUrl == null) {
            return false;
        }
        return this.compression != "zlib".equalsIgnoreCase(fromUrl);
    }

    public List<String> getChannels() {
        return this.channels;
    }

    public void setChannels(List<String> channels) {
        this.channels = channels;
    }

    public Duration getSubscriptionRetryInterval() {
        return this.subscriptionRetryInterval;
    }

    public void setSubscriptionRetryInterval(Duration subscriptionRetryInterval) {
        this.subscriptionRetryInterval = subscriptionRetryInterval;
    }

    public boolean isFailFast() {
        return this.failFast;
    }

    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
    }

    public Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public @Nullable Duration getHeartbeatAckTimeout() {
        return this.heartbeatAckTimeout;
    }

    public void setHeartbeatAckTimeout(@Nullable Duration heartbeatAckTimeout) {
        this.heartbeatAckTimeout = heartbeatAckTimeout;
    }

    public Duration getSubscribeTimeout() {
        return this.subscribeTimeout;
    }

    public void setSubscribeTimeout(Duration subscribeTimeout) {
        this.subscribeTimeout = subscribeTimeout;
    }

    public Reconnect getReconnect() {
        return this.reconnect;
    }

    public Delivery getDelivery() {
        return this.delivery;
    }

    public Lifecycle getLifecycle() {
        return this.lifecycle;
    }

    public Events getEvents() {
        return this.events;
    }

    public Metrics getMetrics() {
        return this.metrics;
    }

    public Transport getTransport() {
        return this.transport;
    }

    /**
     * TLS settings of the WebSocket transport ({@code leap.ssl.*}).
     * @return the settings
     */
    public LeapSslSettings getSsl() {
        return this.ssl;
    }

    /**
     * HTTP proxy of the WebSocket transport ({@code leap.proxy.*}).
     * @return the settings
     */
    public LeapProxySettings getProxy() {
        return this.proxy;
    }

    public Embedded getEmbedded() {
        return this.embedded;
    }

    @Override
    public boolean supports(Class<?> type) {
        return LeapProperties.class.isAssignableFrom(type);
    }

    /**
     * Check the bound values. Called by Boot when the properties are bound; each error names the property (the field
     * path relative to {@code leap}) and what is allowed.
     * @param target the bound properties (this object)
     * @param errors where to report invalid values
     */
    @Override
    public void validate(Object target, Errors errors) {
        LeapProperties properties = (LeapProperties) target;
        PropertyChecks.url(errors, "url", properties.getUrl(), SOCKET_SCHEMES, "wss://leap.hop.io/ws");
        PropertyChecks.noBlankEntries(errors, "channels", properties.getChannels());
        if (properties.compressionConflicts(properties.getUrl())) {
            errors.rejectValue(
                    "compression",
                    "leap.compressionConflict",
                    "contradicts the compression=" + compressionParameter(properties.getUrl())
                            + " parameter of leap.url; remove leap.compression or the parameter, or make them agree");
        }
        PropertyChecks.positive(errors, "connectTimeout", properties.getConnectTimeout(), "10s");
        PropertyChecks.positive(errors, "heartbeatAckTimeout", properties.getHeartbeatAckTimeout(), "20s");
        PropertyChecks.positive(errors, "subscribeTimeout", properties.getSubscribeTimeout(), "10s");
        PropertyChecks.positive(errors, "subscriptionRetryInterval", properties.getSubscriptionRetryInterval(), "10s");
        Reconnect reconnect = properties.getReconnect();
        PropertyChecks.positive(errors, "reconnect.initialBackoff", reconnect.getInitialBackoff(), "1s");
        PropertyChecks.positive(errors, "reconnect.maxBackoff", reconnect.getMaxBackoff(), "30s");
        PropertyChecks.notShorter(
                errors,
                "reconnect.maxBackoff",
                reconnect.getMaxBackoff(),
                "leap.reconnect.initial-backoff",
                reconnect.getInitialBackoff());
        double multiplier = reconnect.getMultiplier();
        if (!Double.isFinite(multiplier) || multiplier < 1.0) {
            errors.rejectValue(
                    "reconnect.multiplier",
                    "leap.multiplier",
                    "must be a finite number of at least 1.0 (1.0 keeps the backoff constant)");
        }
        PropertyChecks.atLeast(
                errors, "delivery.bufferSize", properties.getDelivery().getBufferSize(), 1);
        PropertyChecks.required(
                errors, "delivery.overflowPolicy", properties.getDelivery().getOverflowPolicy());
        PropertyChecks.notNegative(
                errors, "lifecycle.shutdownTimeout", properties.getLifecycle().getShutdownTimeout());
        PropertyChecks.notNegative(
                errors, "events.shutdownTimeout", properties.getEvents().getShutdownTimeout());
        PropertyChecks.positive(
                errors, "transport.bufferSize", properties.getTransport().getBufferSize(), "64KB");
        properties.getSsl().validate(errors, "ssl");
        properties.getProxy().validate(errors, "proxy", "leap.proxy");
        Embedded embedded = properties.getEmbedded();
        PropertyChecks.between(errors, "embedded.port", embedded.getPort(), 0, 65535);
        PropertyChecks.positive(errors, "embedded.heartbeatInterval", embedded.getHeartbeatInterval(), "30s");
        PropertyChecks.noBlankEntries(errors, "embedded.channels", embedded.getChannels());
        String tokenState = embedded.getTokenState();
        if (tokenState == null
                || !tokenState.strip().startsWith("{")
                || !tokenState.strip().endsWith("}")) {
            errors.rejectValue(
                    "embedded.tokenState", "leap.jsonObject", "must be a JSON object, for example {\"userId\":\"u1\"}");
        }
    }

    /**
     * Reconnection with exponential backoff and full jitter.
     */
    public static class Reconnect {

        /**
         * Whether the client reconnects after the connection is lost. Authentication failures (close code 4001) are
         * never retried.
         */
        private boolean enabled = true;

        /**
         * Upper bound of the delay before the first reconnect attempt.
         */
        private Duration initialBackoff = Duration.ofSeconds(1);

        /**
         * Upper bound of the delay between reconnect attempts.
         */
        private Duration maxBackoff = Duration.ofSeconds(30);

        /**
         * Factor applied to the backoff after every failed attempt.
         */
        private double multiplier = 2.0;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInitialBackoff() {
            return this.initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return this.maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getMultiplier() {
            return this.multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }
    }

    /**
     * Buffering between the socket and the listeners.
     */
    public static class Delivery {

        /**
         * Number of events each listener (including the ApplicationEvent bridge) may have waiting for delivery.
         */
        @Min(1)
        private int bufferSize = 1024;

        /**
         * What happens when a listener's buffer is full.
         */
        private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;

        public int getBufferSize() {
            return this.bufferSize;
        }

        public void setBufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
        }

        public OverflowPolicy getOverflowPolicy() {
            return this.overflowPolicy;
        }

        public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = overflowPolicy;
        }
    }

    /**
     * Lifecycle of the client connection.
     */
    public static class Lifecycle {

        /**
         * Whether the connection is opened automatically when the application context starts.
         */
        private boolean autoStartup = true;

        /**
         * SmartLifecycle phase of the client connection. The default opens the connection before a web server starts
         * and closes it after the web server's graceful shutdown, so in-flight requests can still publish.
         */
        private int phase = DEFAULT_CLIENT_PHASE;

        /**
         * Maximum time to wait for the connection to close on shutdown.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        public boolean isAutoStartup() {
            return this.autoStartup;
        }

        public void setAutoStartup(boolean autoStartup) {
            this.autoStartup = autoStartup;
        }

        public int getPhase() {
            return this.phase;
        }

        public void setPhase(int phase) {
            this.phase = phase;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /**
     * Publication of Leap messages, channel events and connection-state changes as Spring ApplicationEvents.
     */
    public static class Events {

        /**
         * Whether to publish Leap messages, channel events and connection-state changes as ApplicationEvents.
         */
        private boolean enabled = true;

        /**
         * SmartLifecycle phase of the ApplicationEvent bridge. The default stops inbound delivery before anything else.
         */
        private int phase = DEFAULT_EVENTS_PHASE;

        /**
         * Maximum time to wait on shutdown for events already received from the socket to be delivered.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        /**
         * Whether to record a "leap.events" observation of the delivery of every Leap ApplicationEvent. Needs an
         * ObservationRegistry bean.
         */
        private boolean observationEnabled = false;

        /**
         * Whether to skip publishing Leap messages as LeapMessageEvents when, at start, no application listener takes
         * them (an application with only @LeapListener methods then pays no second hand-off per message). Set to
         * false if listeners for them are added to the context after it started.
         */
        private boolean skipUnobservedMessages = true;

        public boolean isSkipUnobservedMessages() {
            return this.skipUnobservedMessages;
        }

        public void setSkipUnobservedMessages(boolean skipUnobservedMessages) {
            this.skipUnobservedMessages = skipUnobservedMessages;
        }

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isObservationEnabled() {
            return this.observationEnabled;
        }

        public void setObservationEnabled(boolean observationEnabled) {
            this.observationEnabled = observationEnabled;
        }

        public int getPhase() {
            return this.phase;
        }

        public void setPhase(int phase) {
            this.phase = phase;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /**
     * Micrometer meters.
     */
    public static class Metrics {

        /**
         * Whether to tag the received-messages counter with the user event name. Only enable it when the set of event
         * names is small and bounded.
         */
        private boolean eventNameTag = false;

        public boolean isEventNameTag() {
            return this.eventNameTag;
        }

        public void setEventNameTag(boolean eventNameTag) {
            this.eventNameTag = eventNameTag;
        }
    }

    /**
     * WebSocket transport.
     */
    public static class Transport {

        /**
         * Size of the WebSocket container's read buffers when the Spring WebSocket transport is used. Larger messages
         * (Leap allows up to 16 MiB) are passed on in parts and assembled by the client, so this does not limit the
         * message size.
         */
        private DataSize bufferSize = DataSize.ofKilobytes(64);

        /**
         * WebSocket transport of the client. "auto" picks Spring WebSocket when spring-websocket and a JSR-356 client
         * are on the classpath, else the JDK's java.net.http; "netty" needs io.leap:leap-transport-netty. Ignored when
         * the application defines its own WebSocketTransport bean.
         */
        private LeapTransportType type = LeapTransportType.AUTO;

        public LeapTransportType getType() {
            return this.type;
        }

        public void setType(LeapTransportType type) {
            this.type = type;
        }

        public DataSize getBufferSize() {
            return this.bufferSize;
        }

        public void setBufferSize(DataSize bufferSize) {
            this.bufferSize = bufferSize;
        }
    }

    /**
     * Embedded, in-process Leap server (requires io.leap:leap-server on the classpath).
     */
    public static class Embedded {

        /**
         * Whether to start an in-process Leap server and point the client at it instead of "leap.url".
         */
        private boolean enabled = false;

        /**
         * Port of the embedded server. 0 picks a free ephemeral port.
         */
        @Min(0)
        @Max(65535)
        private int port = 0;

        /**
         * Heartbeat interval the embedded server announces to its clients.
         */
        private Duration heartbeatInterval = Duration.ofSeconds(30);

        /**
         * Channels to create on the embedded server at startup, in addition to those of "leap.channels".
         */
        private List<String> channels = new ArrayList<>();

        /**
         * State object of the Leap token created for the client, as JSON (becomes INIT metadata).
         */
        private String tokenState = "{}";

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getPort() {
            return this.port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public Duration getHeartbeatInterval() {
            return this.heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public List<String> getChannels() {
            return this.channels;
        }

        public void setChannels(List<String> channels) {
            this.channels = channels;
        }

        public String getTokenState() {
            return this.tokenState;
        }

        public void setTokenState(String tokenState) {
            this.tokenState = tokenState;
        }
    }
}
