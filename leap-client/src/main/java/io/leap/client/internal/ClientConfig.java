package io.leap.client.internal;

import io.leap.client.LeapClientObserver;
import io.leap.client.LeapClientOptions;
import io.leap.client.OverflowPolicy;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Immutable client settings, built by {@link io.leap.client.LeapClient.Builder}. Internal API. {@link #toString()}
 * redacts the token.
 */
public record ClientConfig(
        String projectId,
        String token,
        URI url,
        JsonMapper jsonMapper,
        ReconnectPolicy reconnectPolicy,
        Duration heartbeatAckTimeout,
        Duration readTimeoutGrace,
        Duration helloTimeout,
        Duration connectTimeout,
        Duration subscribeTimeout,
        Executor deliveryExecutor,
        int bufferSize,
        OverflowPolicy overflowPolicy,
        WebSocketTransport transport,
        boolean ownsTransport,
        LeapClientObserver observer,
        int maxMessageSize,
        Set<String> redirectAllowedHosts,
        Supplier<String> tokenProvider,
        boolean retryInitialConnect,
        Duration subscriptionRetryInterval,
        ScheduledExecutorService scheduler) {

    /** @return whether connections authenticate (a token or a token provider), so the server keeps subscriptions */
    public boolean authenticated() {
        return token != null || tokenProvider != null;
    }

    /** @return the public, secret-free view of these settings */
    public LeapClientOptions options() {
        return new LeapClientOptions(
                projectId,
                url,
                authenticated(),
                reconnectPolicy,
                retryInitialConnect,
                heartbeatAckTimeout,
                readTimeoutGrace,
                helloTimeout,
                connectTimeout,
                subscribeTimeout,
                subscriptionRetryInterval,
                bufferSize,
                overflowPolicy,
                maxMessageSize,
                redirectAllowedHosts);
    }

    /**
     * Sets or replaces the {@code compression} query parameter, and adds {@code encoding=json} when the URL names no
     * encoding (spec §15: clients open the endpoint with {@code ?encoding=json} plus the compression they want).
     *
     * @param url         the configured URL
     * @param compression {@code null} to keep the URL, otherwise zlib ({@code true}) or none
     * @return the URL to open
     */
    public static URI applyCompression(URI url, Boolean compression) {
        if (compression == null) {
            return url;
        }
        String value = compression ? "zlib" : "none";
        List<String> params = new ArrayList<>();
        boolean replaced = false;
        String query = url.getRawQuery();
        if (query == null
                || !(query.equals("encoding") || query.startsWith("encoding=") || query.contains("&encoding"))) {
            params.add("encoding=json");
        }
        if (query != null && !query.isEmpty()) {
            for (String p : query.split("&")) {
                if (p.equals("compression") || p.startsWith("compression=")) {
                    if (!replaced) {
                        params.add("compression=" + value);
                        replaced = true;
                    }
                } else if (!p.isEmpty()) {
                    params.add(p);
                }
            }
        }
        if (!replaced) {
            params.add("compression=" + value);
        }
        return rebuild(url, String.join("&", params));
    }

    private static URI rebuild(URI url, String rawQuery) {
        String s = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath())
                + "?" + rawQuery + (url.getRawFragment() == null ? "" : "#" + url.getRawFragment());
        return URI.create(s);
    }

    @Override
    public String toString() {
        return "ClientConfig[projectId=" + projectId + ", token="
                + (token == null ? tokenProvider == null ? "none" : "<provider>" : "<redacted>") + ", url="
                + url + ", reconnectPolicy=" + reconnectPolicy + ", bufferSize=" + bufferSize + ", overflowPolicy="
                + overflowPolicy + "]";
    }
}
