package io.leap.spring.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;

/**
 * An HTTP proxy for a Leap connection, bound under {@code leap.proxy} for the WebSocket transport and under
 * {@code leap.api.proxy} for the Channels REST API client. Connections are tunnelled through it with {@code CONNECT}
 * ({@code wss://}, {@code https://}; the JDK transport also tunnels {@code ws://}), plain {@code http://} API requests
 * are forwarded in absolute form. Without a host no proxy is used, not even the JVM's default {@code ProxySelector}.
 *
 * <p>Only the JDK and Netty WebSocket transports can use a proxy of their own; the Spring WebSocket transport (Tomcat's
 * JSR-356 client) can only use the JVM-wide {@code ProxySelector.getDefault()}, so {@code leap.proxy.host} fails
 * startup with it. Proxy authentication is not supported by these properties.
 */
public class LeapProxySettings {

    /**
     * Host name or IP address of the HTTP proxy. When not set connections are direct.
     */
    private @Nullable String host;

    /**
     * Port of the HTTP proxy. Required with a proxy host.
     */
    private @Nullable Integer port;

    public @Nullable String getHost() {
        return this.host;
    }

    public void setHost(@Nullable String host) {
        this.host = host;
    }

    public @Nullable Integer getPort() {
        return this.port;
    }

    public void setPort(@Nullable Integer port) {
        this.port = port;
    }

    /**
     * Whether a proxy is configured.
     * @return {@code true} when a host is set
     */
    boolean isConfigured() {
        return StringUtils.hasText(this.host);
    }

    /**
     * The host without surrounding white space.
     * @return the host, or {@code null} when none is set
     */
    @Nullable
    String determineHost() {
        return isConfigured() ? this.host.strip() : null;
    }

    void validate(Errors errors, String field, String prefix) {
        boolean hostSet = this.host != null;
        if (hostSet
                && (!StringUtils.hasText(this.host) || this.host.strip().chars().anyMatch(Character::isWhitespace))) {
            errors.rejectValue(
                    field + ".host", "leap.host", "must be a host name or IP address, for example proxy.corp");
        } else if (hostSet && (this.host.contains("://") || this.host.contains("/"))) {
            errors.rejectValue(
                    field + ".host",
                    "leap.host",
                    "must be a host name or IP address without scheme or path (the port goes into " + prefix
                            + ".port), for example proxy.corp");
        }
        if (this.port != null && (this.port < 1 || this.port > 65535)) {
            errors.rejectValue(field + ".port", "leap.range", "must be between 1 and 65535");
        } else if (hostSet && this.port == null) {
            errors.rejectValue(
                    field + ".port",
                    "leap.required",
                    "must be set together with " + prefix + ".host, for example 3128");
        } else if (!hostSet && this.port != null) {
            errors.rejectValue(
                    field + ".host",
                    "leap.required",
                    "must be set together with " + prefix + ".port, for example proxy.corp");
        }
    }

    @Override
    public String toString() {
        return "LeapProxySettings[host=" + this.host + ", port=" + this.port + "]";
    }
}
