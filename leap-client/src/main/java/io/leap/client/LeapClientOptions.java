package io.leap.client;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * The settings of a built client, as {@link LeapClient#options()} returns them: immutable, and free of secrets (the
 * token is never exposed, only whether one is used). {@link LeapClient.Builder} documents each value and its default.
 *
 * <pre>{@code
 * LeapClientOptions o = client.options();
 * log.info("Leap at {} (reconnect {}, first connect retried: {})", o.url(), o.reconnectPolicy(), o.retryInitialConnect());
 * }</pre>
 *
 * @param projectId                 the project ID
 * @param url                       the socket URL as opened (compression applied)
 * @param authenticated             whether a token or token provider is configured
 * @param reconnectPolicy           when to reconnect
 * @param retryInitialConnect       whether the first connection is retried with the reconnect backoff
 * @param heartbeatAckTimeout       the heartbeat ack timeout, or {@code null} for {@code min(heartbeat_interval, 10 s)}
 * @param readTimeoutGrace          how long beyond {@code heartbeat_interval} the link may stay silent
 * @param helloTimeout              how long to wait for Hello
 * @param connectTimeout            how long opening the socket may take
 * @param subscribeTimeout          the default subscribe timeout
 * @param subscriptionRetryInterval how often refused or unanswered channels are asked for again, or {@code null} if
 *                                  they are not
 * @param bufferSize                the default per-listener buffer size
 * @param overflowPolicy            the default per-listener overflow policy
 * @param maxMessageSize            the largest accepted message in bytes
 * @param redirectAllowedHosts      hosts a 4006 redirect may lead to, or {@code null} for any
 */
public record LeapClientOptions(
        String projectId,
        URI url,
        boolean authenticated,
        ReconnectPolicy reconnectPolicy,
        boolean retryInitialConnect,
        Duration heartbeatAckTimeout,
        Duration readTimeoutGrace,
        Duration helloTimeout,
        Duration connectTimeout,
        Duration subscribeTimeout,
        Duration subscriptionRetryInterval,
        int bufferSize,
        OverflowPolicy overflowPolicy,
        int maxMessageSize,
        Set<String> redirectAllowedHosts) {}
