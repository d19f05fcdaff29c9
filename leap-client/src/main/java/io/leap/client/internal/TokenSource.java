package io.leap.client.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the token of each connection attempt comes from: the configured token, or the token provider asked before
 * every attempt (so rotated tokens are picked up). After a 4001 it says whether the provider now has a different
 * token, which the client tries once before giving up, and keeps that token for the retry. Also knows which strings of
 * a token are secret, for redaction. The provider is user code: {@link #current()}, {@link #next()} and
 * {@link #afterRejection} are called outside the client's lock.
 */
final class TokenSource {

    private static final Logger log = LoggerFactory.getLogger(io.leap.client.LeapClient.class);
    private static final String PREFIX = "leap_token_";

    private final int clientId;
    private final ClientConfig config;
    /** After a 4001: the provider's new token, for the next attempt instead of asking again. */
    private String retryToken;
    /** Whether the attempts since a 4001 are its single retry with a new token (until INIT or giving up). */
    private boolean retrying;

    TokenSource(int clientId, ClientConfig config) {
        this.clientId = clientId;
        this.config = config;
    }

    /**
     * @return the token to identify with now, or {@code null} for an anonymous connection
     * @throws RuntimeException whatever the provider throws
     */
    String current() {
        if (config.tokenProvider() == null) {
            return config.token();
        }
        String t = config.tokenProvider().get();
        return t == null || t.isEmpty() ? null : t;
    }

    /**
     * @return the token of the next attempt: the one {@link #retryWith} kept, else {@link #current()}
     * @throws RuntimeException whatever the provider throws
     */
    String next() {
        String t;
        synchronized (this) {
            t = retryToken;
            retryToken = null;
        }
        return t != null ? t : current();
    }

    /** A 4001 with a different token from the provider: the next attempt uses it, once. */
    synchronized void retryWith(String token) {
        retryToken = token;
        retrying = true;
    }

    /** @return whether the next attempt is the single retry after a 4001 */
    synchronized boolean retrying() {
        return retrying;
    }

    /** The retry is over: INIT came, or the client gives up or starts afresh. */
    synchronized void endRetry() {
        retryToken = null;
        retrying = false;
    }

    /**
     * A connection was closed with 4001.
     *
     * @return a different token from the provider to try once, or {@code null} to give up (no provider, the same
     *         token, the provider failed, or {@code conn} was already that single retry)
     */
    String afterRejection(Connection conn) {
        if (config.tokenProvider() == null || conn.authRetry || conn.dead) {
            return null;
        }
        try {
            String candidate = current();
            return candidate != null && !candidate.equals(conn.token) ? candidate : null;
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .log("The token provider failed after a 4001: {} (client {})", Connection.describe(e), clientId);
            return null;
        }
    }

    /**
     * @param text  a server's free text (a close reason)
     * @param token the token of the connection, or {@code null}
     * @return the text with the token (also without its {@code leap_token_} prefix) and anything token-like redacted
     */
    static String redact(String text, String token) {
        String bare = token != null && token.startsWith(PREFIX) && token.length() > PREFIX.length() + 3
                ? token.substring(PREFIX.length())
                : null;
        return Redaction.redactText(text, token, bare);
    }
}
