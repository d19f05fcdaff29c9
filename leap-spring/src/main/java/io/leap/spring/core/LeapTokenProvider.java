package io.leap.spring.core;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the Leap token for each connection attempt, for tokens that rotate or are fetched at runtime. When exactly
 * one bean of this type is present, the auto-configured {@code LeapClient} asks it before every connection (the first,
 * every reconnect and {@code LeapClient.reconnect()}) instead of using {@code leap.token}; after a close code 4001 it
 * is asked once more, and a different token is tried once (see
 * {@link io.leap.client.LeapClient.Builder#tokenProvider(java.util.function.Supplier)}).
 *
 * <pre>{@code
 * @Bean
 * LeapTokenProvider leapTokenProvider(TokenVault vault) {
 *     return vault::currentLeapToken;     // cached by the vault, refreshed in the background
 * }
 * }</pre>
 *
 * <p>It is called on the client's own threads and should return quickly (cache the token, refresh it elsewhere). Leap
 * never logs the token, nor puts it in an exception message, {@code toString()} or Actuator output; an exception
 * thrown here fails that connection attempt (its message is reported with token-like text masked) and the client
 * retries with its reconnect policy.
 */
@FunctionalInterface
public interface LeapTokenProvider {

    /**
     * Return the token to connect with.
     * @return a Leap token ({@code leap_token_...}), or {@code null} or empty for an anonymous connection
     */
    @Nullable
    String getToken();
}
