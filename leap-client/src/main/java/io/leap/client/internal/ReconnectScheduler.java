package io.leap.client.internal;

import io.leap.client.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether, when and where to reconnect after a connection is lost: the {@link ReconnectPolicy}'s backoff with
 * jitter, the attempt counter (reset once a connection stayed up for {@link ReconnectPolicy#stableAfter()}), 4006
 * redirects (protocol spec §11, decision D-15: follow the reason URL, with an optional host allow-list) and the fallback
 * to the configured URL after {@value #MAX_REDIRECT_FAILURES} failed attempts at a redirect target. Not thread-safe:
 * the client calls it under its lock.
 */
final class ReconnectScheduler {

    private static final Logger log = LoggerFactory.getLogger(io.leap.client.LeapClient.class);

    /** After this many failed attempts at a redirect target, the client goes back to its configured URL. */
    static final int MAX_REDIRECT_FAILURES = 3;

    /**
     * What to do after a loss.
     *
     * @param reconnect whether to try again
     * @param delay     how long to wait first (zero after a redirect)
     * @param attempt   the attempt number the next try will have (1-based)
     */
    record Plan(boolean reconnect, Duration delay, int attempt) {
        static final Plan STOP = new Plan(false, Duration.ZERO, 0);
    }

    private final int clientId;
    private final ReconnectPolicy policy;
    private final URI configuredUrl;
    private final Set<String> redirectAllowedHosts;
    private final DoubleSupplier random;

    private int attempt;
    private long connectedAtNanos;
    private URI redirectUrl;
    private int redirectFailures;

    /**
     * @param redirectAllowedHosts hosts a 4006 may send the client to, or {@code null} for any
     * @param random               jitter source, uniform in [0, 1)
     */
    ReconnectScheduler(
            int clientId,
            ReconnectPolicy policy,
            URI configuredUrl,
            Set<String> redirectAllowedHosts,
            DoubleSupplier random) {
        this.clientId = clientId;
        this.policy = policy;
        this.configuredUrl = configuredUrl;
        this.redirectAllowedHosts = redirectAllowedHosts;
        this.random = random;
    }

    /** A new first connection begins: the attempt counter starts over. */
    void reset() {
        attempt = 0;
    }

    /** @return attempts since the last reset or stable connection */
    int attempt() {
        return attempt;
    }

    /** @return where the next connection goes: the redirect target if one is active, else the configured URL */
    URI nextUri() {
        return redirectUrl != null ? redirectUrl : configuredUrl;
    }

    /** @return the active redirect target, or {@code null} */
    URI redirectUrl() {
        return redirectUrl;
    }

    /** A connection was authenticated (INIT) at {@code nowNanos}. */
    void onConnected(long nowNanos) {
        connectedAtNanos = nowNanos;
        redirectFailures = 0;
    }

    /**
     * Plans the next attempt after a loss.
     *
     * @param lostUri      the URL of the lost connection
     * @param initReceived whether it had been authenticated
     * @param mayReconnect {@code false} if reconnecting is ruled out (first attempt, authentication failure, closed)
     * @param redirect     a validated 4006 target, or {@code null}
     * @param nowNanos     the current time
     */
    Plan onLost(URI lostUri, boolean initReceived, boolean mayReconnect, URI redirect, long nowNanos) {
        if (!initReceived && redirectUrl != null && lostUri.equals(redirectUrl)) {
            redirectFailures++;
            if (redirectFailures >= MAX_REDIRECT_FAILURES) {
                log.atWarn()
                        .addKeyValue("client", clientId)
                        .addKeyValue("redirect", Redaction.redactText(String.valueOf(redirectUrl)))
                        .addKeyValue("failures", redirectFailures)
                        .log(
                                "Redirect target {} failed {} times; falling back to the configured URL (client {})",
                                Redaction.redactText(String.valueOf(redirectUrl)),
                                redirectFailures,
                                clientId);
                redirectUrl = null;
                redirectFailures = 0;
            }
        }
        if (redirect != null) {
            redirectUrl = redirect;
            redirectFailures = 0;
        }
        if (initReceived && nowNanos - connectedAtNanos >= policy.stableAfter().toNanos()) {
            attempt = 0;
        }
        if (!mayReconnect || !policy.isEnabled()) {
            return Plan.STOP;
        }
        if (redirect != null) {
            return new Plan(true, Duration.ZERO, Math.max(1, attempt));
        }
        if (policy.maxAttempts() > 0 && attempt >= policy.maxAttempts()) {
            return Plan.STOP;
        }
        attempt++;
        return new Plan(true, policy.delay(attempt, random.getAsDouble()), attempt);
    }

    /**
     * Checks a 4006 reason.
     *
     * @param reason the close reason
     * @return the URL to reconnect to, or {@code null} if the reason is not an acceptable ws/wss URL (logged)
     */
    URI validateRedirect(String reason) {
        URI uri;
        try {
            uri = new URI(reason.trim());
        } catch (Exception e) {
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("reason", Redaction.redactText(reason))
                    .log(
                            "Ignoring 4006 redirect: reason '{}' is not a URL (client {})",
                            Redaction.redactText(reason),
                            clientId);
            return null;
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || !("ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme))) {
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("reason", Redaction.redactText(reason))
                    .log(
                            "Ignoring 4006 redirect: '{}' is not an absolute ws/wss URL (client {})",
                            Redaction.redactText(reason),
                            clientId);
            return null;
        }
        if (redirectAllowedHosts != null
                && redirectAllowedHosts.stream().noneMatch(h -> h.equalsIgnoreCase(uri.getHost()))) {
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("host", uri.getHost())
                    .log(
                            "Ignoring 4006 redirect: host {} is not in the allow-list (client {})",
                            uri.getHost(),
                            clientId);
            return null;
        }
        return uri;
    }
}
