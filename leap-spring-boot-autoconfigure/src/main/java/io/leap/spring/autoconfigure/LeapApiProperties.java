package io.leap.spring.autoconfigure;

import io.leap.client.rest.LeapApi;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration properties of the Channels REST API client and {@code LeapTemplate} ({@code leap.api.*}).
 *
 * <p>Setting {@code leap.api.token} enables the auto-configured {@code LeapApi} and {@code LeapTemplate}. In embedded
 * mode ({@code leap.embedded.enabled=true}) they point at the embedded server and the credential and URL here are not
 * used.
 *
 * <p>The properties validate themselves when they are bound ({@link #validate(Object, Errors)}), as
 * {@link LeapProperties} do: an invalid value fails startup with Boot's report naming the property.
 */
@ConfigurationProperties("leap.api")
@Validated
public class LeapApiProperties implements Validator {

    private static final Set<String> HTTP_SCHEMES = Set.of("http", "https");

    /**
     * Whether to auto-configure the Channels REST API client and LeapTemplate when a credential is available.
     */
    private boolean enabled = true;

    /**
     * Credential for the Channels REST API: a project token ("ptk_...", recommended), or a personal access token
     * ("pat_...") together with a project id. Setting it enables LeapTemplate. A Leap token ("leap_token_...") is not
     * accepted.
     */
    private @Nullable String token;

    /**
     * Origin of the Channels REST API, without "/v1".
     */
    @NotNull
    private URI url = LeapApi.DEFAULT_BASE_URL;

    /**
     * Hop project id sent as the "project" parameter of every request. Required with a personal access token or a
     * bearer token, for which "leap.project-id" is used when this is not set. With a project token it is optional and
     * must be the token's project.
     */
    private @Nullable String projectId;

    /**
     * Maximum time for each request attempt, until its response arrives. A request that times out is not retried.
     */
    private Duration requestTimeout = Duration.ofSeconds(10);

    /**
     * Maximum time to establish a connection. Defaults to the request timeout.
     */
    private @Nullable Duration connectTimeout;

    /**
     * Whether to record a "leap.template" observation of every LeapTemplate operation and, with a propagating tracer,
     * send the trace context (W3C "traceparent") with the requests of the auto-configured client. Needs an
     * ObservationRegistry bean.
     */
    private boolean observationEnabled = false;

    @Valid
    private final Retry retry = new Retry();

    // --- TLS and proxy of the REST API client (leap.api.ssl.*, leap.api.proxy.*) ---

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

    public @Nullable String getToken() {
        return this.token;
    }

    public void setToken(@Nullable String token) {
        this.token = token;
    }

    public URI getUrl() {
        return this.url;
    }

    public void setUrl(URI url) {
        this.url = url;
    }

    public @Nullable String getProjectId() {
        return this.projectId;
    }

    public void setProjectId(@Nullable String projectId) {
        this.projectId = projectId;
    }

    public Duration getRequestTimeout() {
        return this.requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public @Nullable Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(@Nullable Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Retry getRetry() {
        return this.retry;
    }

    /**
     * TLS settings of the REST API client ({@code leap.api.ssl.*}); independent of {@code leap.ssl.*}.
     * @return the settings
     */
    public LeapSslSettings getSsl() {
        return this.ssl;
    }

    /**
     * HTTP proxy of the REST API client ({@code leap.api.proxy.*}); independent of {@code leap.proxy.*}.
     * @return the settings
     */
    public LeapProxySettings getProxy() {
        return this.proxy;
    }

    @Override
    public boolean supports(Class<?> type) {
        return LeapApiProperties.class.isAssignableFrom(type);
    }

    /**
     * Check the bound values. Called by Boot when the properties are bound. The token is never rejected here (Boot's
     * report would print it); its checks happen when the client is created and do not echo it.
     * @param target the bound properties (this object)
     * @param errors where to report invalid values
     */
    @Override
    public void validate(Object target, Errors errors) {
        LeapApiProperties properties = (LeapApiProperties) target;
        PropertyChecks.url(errors, "url", properties.getUrl(), HTTP_SCHEMES, "https://api.hop.io");
        URI url = properties.getUrl();
        String path = (url != null) ? url.getRawPath() : null;
        if (path != null && (path.endsWith("/v1") || path.endsWith("/v1/"))) {
            errors.rejectValue(
                    "url",
                    "leap.origin",
                    "must be the origin of the API without /v1 (for example https://api.hop.io); the client appends "
                            + "/v1/... itself");
        } else if (url != null && url.getRawQuery() != null) {
            errors.rejectValue("url", "leap.query", "must not have a query: it is the origin of the API, without /v1");
        }
        PropertyChecks.positive(errors, "requestTimeout", properties.getRequestTimeout(), "10s");
        PropertyChecks.positive(errors, "connectTimeout", properties.getConnectTimeout(), "5s");
        Retry retry = properties.getRetry();
        PropertyChecks.atLeast(errors, "retry.maxRetries", retry.getMaxRetries(), 0);
        PropertyChecks.positive(errors, "retry.initialBackoff", retry.getInitialBackoff(), "200ms");
        PropertyChecks.positive(errors, "retry.maxBackoff", retry.getMaxBackoff(), "5s");
        PropertyChecks.notShorter(
                errors,
                "retry.maxBackoff",
                retry.getMaxBackoff(),
                "leap.api.retry.initial-backoff",
                retry.getInitialBackoff());
        PropertyChecks.notNegative(errors, "retry.maxRetryAfter", retry.getMaxRetryAfter());
        properties.getSsl().validate(errors, "ssl");
        properties.getProxy().validate(errors, "proxy", "leap.api.proxy");
    }

    @Override
    public String toString() {
        return "LeapApiProperties[url=" + this.url + ", projectId=" + this.projectId + ", token="
                + ((this.token != null) ? "******" : "none") + "]";
    }

    /**
     * Retries of idempotent calls (GET, PUT, DELETE) on 429, 502, 503, 504 and connection errors; POST and PATCH calls
     * are retried only when no connection could be made.
     */
    public static class Retry {

        /**
         * Whether to retry failed calls.
         */
        private boolean enabled = true;

        /**
         * Maximum number of retries after the first attempt.
         */
        @Min(0)
        private int maxRetries = 3;

        /**
         * Upper bound of the first backoff delay; the bound doubles with each retry (full jitter).
         */
        private Duration initialBackoff = Duration.ofMillis(200);

        /**
         * Cap of the backoff delay's upper bound.
         */
        private Duration maxBackoff = Duration.ofSeconds(5);

        /**
         * Longest "Retry-After" the client waits for; a longer one ends the retries.
         */
        private Duration maxRetryAfter = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxRetries() {
            return this.maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
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

        public Duration getMaxRetryAfter() {
            return this.maxRetryAfter;
        }

        public void setMaxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
        }
    }
}
